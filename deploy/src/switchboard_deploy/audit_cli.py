"""`switchboard audit verify|export|query|checkpoint`: the audit log from the command line.

Online commands call the gateway as the operator whose access token is in SWITCHBOARD_TOKEN.
`verify --offline FILE --vkey KEY` needs neither the platform nor its database: only an export
and a public key the operator trusts (from `GET /api/audit/public-keys`, kept elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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


def _client(args: argparse.Namespace) -> httpx.AsyncClient:
    token = os.environ.get("SWITCHBOARD_TOKEN", "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=args.url.rstrip("/"), headers=headers, timeout=120)


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _verify(args: argparse.Namespace) -> int:
    if args.offline:
        return _verify_offline(Path(args.offline), args.vkey)

    async def online() -> dict[str, Any]:
        async with _client(args) as client:
            report: dict[str, Any] = await _json(
                client, "/api/audit/verify", full=str(args.full).lower()
            )
            return report

    report = asyncio.run(online())
    _print(report)
    return 0 if report["valid"] else 1


def _verify_offline(path: Path, vkeys: list[str] | None) -> int:
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


def _export(args: argparse.Namespace) -> int:
    async def run() -> int:
        async with _client(args) as client:
            return await export_log(client, Path(args.out))

    print(f"{asyncio.run(run())} entries written to {args.out}")
    return 0


def _query(args: argparse.Namespace) -> int:
    filters = {
        key: value
        for key, value in {
            "user_id": args.user_id, "action": args.action, "tenant_id": args.tenant_id,
            "result": args.result, "resource": args.resource, "q": args.q,
            "start": args.start, "end": args.end, "limit": args.limit,
        }.items()
        if value is not None
    }  # fmt: skip

    async def run() -> Any:
        async with _client(args) as client:
            return await _json(client, "/api/audit", **filters)

    _print(asyncio.run(run()))
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    async def run() -> str:
        async with _client(args) as client:
            if args.sign:
                response = await client.post("/api/audit/checkpoint")
                response.raise_for_status()
                return str(response.json()["note"])
            response = await client.get("/api/audit/checkpoint")
            response.raise_for_status()
            return response.text

    print(asyncio.run(run()), end="")
    return 0


def _retention(args: argparse.Namespace) -> int:
    async def run() -> httpx.Response:
        async with _client(args) as client:
            return await client.post("/api/audit/retention")

    response = asyncio.run(run())
    print(response.text, file=sys.stdout if response.is_success else sys.stderr)
    return 0 if response.is_success else 1


def add_audit_commands(commands: Any) -> None:
    audit = commands.add_parser("audit", help="verify, export, query the audit log")
    audit.add_argument(
        "--url",
        default=os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:8000"),
        help="the gateway (SWITCHBOARD_URL); the token is SWITCHBOARD_TOKEN",
    )
    sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = sub.add_parser("verify", help="verify online, or offline from an export")
    verify.add_argument("--full", action="store_true", help="from the first entry")
    verify.add_argument("--offline", metavar="FILE", help="an export; no platform needed")
    verify.add_argument("--vkey", action="append", help="a trusted verifier key (repeatable)")
    verify.set_defaults(func=_verify)
    export = sub.add_parser("export", help="write every entry and checkpoint to a file")
    export.add_argument("--out", required=True)
    export.set_defaults(func=_export)
    query = sub.add_parser("query", help="list entries (newest first)")
    for name in ("user-id", "action", "tenant-id", "result", "resource", "q", "start", "end"):
        query.add_argument(f"--{name}")
    query.add_argument("--limit", type=int)
    query.set_defaults(func=_query)
    checkpoint = sub.add_parser("checkpoint", help="print the latest signed checkpoint")
    checkpoint.add_argument("--sign", action="store_true", help="sign one now first")
    checkpoint.set_defaults(func=_checkpoint)
    retention = sub.add_parser("retention", help="archive and remove entries past their time")
    retention.set_defaults(func=_retention)
