"""What `switchboard audit verify|export|query|checkpoint|retention` does (the commands are in
`cli/audit_commands.py`).

Online commands call the gateway as the signed-in operator (or SWITCHBOARD_TOKEN's).
`verify --offline FILE --vkey KEY` needs neither the platform nor its database: only an export
and a public key the operator trusts (from `GET /api/audit/public-keys`, kept elsewhere).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx

from switchboard_shared.audit_export import ExportHeader, read_export, verify_export, write_export
from switchboard_shared.signed_note import NoteError, parse_vkey

EXPORT_PAGE = 5000


async def _json(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    response.raise_for_status()
    return response.json()


async def export_log(client: httpx.AsyncClient, out: Path) -> int:
    """Writes every entry and every checkpoint to `out`; answers how many entries."""
    keys = await _json(client, "/api/audit/public-keys")
    notes: list[str] = []
    before: int | None = None
    while True:
        page = await _json(client, "/api/audit/checkpoints", limit=500,
                           **({"before": before} if before else {}))  # fmt: skip
        notes += [item["note"] for item in page["items"]]
        if not (before := page["next_before"]):
            break
    lines: list[bytes] = []
    first = page = await _json(client, "/api/audit/export", after=0, limit=EXPORT_PAGE)
    while True:
        lines += [line.encode() for line in page["lines"]]
        if page["next_after"] is None:
            break
        page = await _json(client, "/api/audit/export", after=page["next_after"], limit=EXPORT_PAGE)
    header = ExportHeader(
        keys["origin"], list(reversed(notes)), [k["vkey"] for k in keys["keys"]],
        start_size=first["start_size"], start_edge=first["start_edge"],
    )  # fmt: skip
    with out.open("wb") as handle:
        return write_export(handle, header, lines)


def _client(url: str, token: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=url.rstrip("/"), headers=headers, timeout=120)


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def verify_online(url: str, token: str, *, full: bool) -> int:
    async def online() -> dict[str, Any]:
        async with _client(url, token) as client:
            report: dict[str, Any] = await _json(
                client, "/api/audit/verify", full=str(full).lower()
            )
            return report

    report = asyncio.run(online())
    _print(report)
    return 0 if report["valid"] else 1


def verify_offline(path: Path, vkeys: list[str] | None) -> int:
    if not vkeys:
        print("offline verification needs --vkey: a key you trust, not the file's", file=sys.stderr)
        return 2
    try:
        verifiers = [parse_vkey(vkey) for vkey in vkeys]
        header, lines = read_export(path)
    except (NoteError, ValueError, OSError) as error:
        print(f"cannot verify: {error}", file=sys.stderr)
        return 2
    report = verify_export(header, lines, verifiers)
    _print(report.view())
    return 0 if report.valid else 1


def export(url: str, token: str, out: Path) -> int:
    async def run() -> int:
        async with _client(url, token) as client:
            return await export_log(client, out)

    print(f"{asyncio.run(run())} entries written to {out}")
    return 0


def query(url: str, token: str, filters: dict[str, Any]) -> int:
    wanted = {key: value for key, value in filters.items() if value is not None}

    async def run() -> Any:
        async with _client(url, token) as client:
            return await _json(client, "/api/audit", **wanted)

    _print(asyncio.run(run()))
    return 0


def checkpoint(url: str, token: str, *, sign: bool) -> int:
    async def run() -> str:
        async with _client(url, token) as client:
            if sign:
                response = await client.post("/api/audit/checkpoint")
                response.raise_for_status()
                return str(response.json()["note"])
            response = await client.get("/api/audit/checkpoint")
            response.raise_for_status()
            return response.text

    print(asyncio.run(run()), end="")
    return 0


def retention(url: str, token: str) -> int:
    async def run() -> httpx.Response:
        async with _client(url, token) as client:
            return await client.post("/api/audit/retention")

    response = asyncio.run(run())
    print(response.text, file=sys.stdout if response.is_success else sys.stderr)
    return 0 if response.is_success else 1
