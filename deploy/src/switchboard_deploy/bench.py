"""`make bench`: drives the running platform and prints throughput, latency and memory.

Not a test: nothing passes or fails. Each stage runs several times and the median is printed,
with the machine it ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
from aiokafka import AIOKafkaProducer

from switchboard_deploy import loadgen
from switchboard_deploy.bench_auth import verification_cost
from switchboard_deploy.bench_onboarding import approval_to_completed
from switchboard_deploy.stack import Stack
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.events import CallEvent
from switchboard_shared.topics import CALLS_EVENTS

POLL_SECONDS = 0.005


@dataclass
class StageResult:
    name: str
    count: int
    seconds: float
    latencies: list[float]
    errors: int = 0

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return (
            ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0.0
        )


async def _drive(
    name: str, total: int, concurrency: int, request: Callable[[int], Awaitable[None]]
) -> StageResult:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker() -> None:
        nonlocal errors
        for i in counter:
            started = time.perf_counter()
            try:
                await request(i)
            except (RuntimeError, httpx.HTTPError):
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return StageResult(name, total - errors, time.perf_counter() - started, latencies, errors)


def _call(call_id: str) -> dict[str, Any]:
    return {
        "type": "call.ended",
        "timestamp": "2026-01-07T12:00:00Z",
        "data": {
            "call_id": call_id,
            "agent_name": "Ava",
            "disposition": "booked",
            "duration_sec": 60,
        },
    }


@dataclass
class Session:
    gateway: str
    ingest: str
    call_store: str
    token: str
    tenant_id: str
    webhook_token: str
    email: str
    password: str


async def _prepare(stack: Stack, owner: tuple[str, str]) -> Session:
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        login = await api.post("/api/auth/login", json={"email": owner[0], "password": owner[1]})
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        tenant = (
            await api.post("/api/tenants", json={"name": f"bench-{secrets.token_hex(3)}"})
        ).json()
        email, password = f"bench-{secrets.token_hex(3)}@example.test", secrets.token_urlsafe(12)
        await api.post(
            f"/api/tenants/{tenant['id']}/users",
            json={"email": email, "password": password, "role": "admin"},
        )
        admin = (
            await api.post("/api/auth/login", json={"email": email, "password": password})
        ).json()
        api.headers["Authorization"] = f"Bearer {admin['access_token']}"
        hook = (
            await api.post(
                f"/api/tenants/{tenant['id']}/webhook-tokens", json={"provider": "standard"}
            )
        ).json()
    return Session(
        gateway,
        stack.url("webhook-ingest"),
        stack.url("call-store"),
        admin["access_token"],
        tenant["id"],
        hook["token"],
        email,
        password,
    )


def _webhook_maker(session: Session, base: str, prefix: str) -> loadgen.RequestMaker:
    url = f"{base}/api/webhooks/standard?token={session.webhook_token}"

    def make(i: int) -> bytes:
        body = json.dumps(_call(f"{prefix}-{i}")).encode()
        return loadgen.post_request(url, body, {"webhook-id": f"msg-{prefix}-{i}"})

    return make


def _stage(name: str, run: loadgen.Run) -> StageResult:
    ok = run.ok
    return StageResult(
        name,
        len(ok),
        run.seconds,
        [a.answered - a.sent for a in ok],
        errors=len(run.answers) - len(ok),
    )


async def _webhooks(
    session: Session, base: str, total: int, connections: int, label: str
) -> StageResult:
    """Closed loop: as many webhooks as the platform accepts, over `connections` connections."""
    make = _webhook_maker(session, base, f"bench-{secrets.token_hex(4)}")
    run = await loadgen.closed_loop(base, make, total, connections)
    return _stage(label, run)


async def _end_to_end(
    stack: Stack, session: Session, rate: float, seconds: float
) -> tuple[StageResult, StageResult]:
    """Webhooks at a fixed rate; for each, the time from its 202 to its row being committed
    (and so answered by `GET /api/calls`), watched by polling the table every few ms."""
    prefix = f"e2e-{secrets.token_hex(4)}"
    acknowledged: dict[str, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()

    def on_answer(answer: loadgen.Answer) -> None:
        if answer.status == 202:
            acknowledged[f"{prefix}-{answer.index}"] = answer.answered

    async def watch() -> None:
        async with await psycopg.AsyncConnection.connect(stack.database_url) as db:
            await db.set_autocommit(True)
            while not (done.is_set() and not acknowledged):
                pending = list(acknowledged)
                if pending:
                    cursor = await db.execute(
                        "SELECT call_id FROM call_store.calls"
                        " WHERE tenant_id = %s AND call_id = ANY(%s)",
                        (session.tenant_id, pending),
                    )
                    seen = time.perf_counter()
                    for (call_id,) in await cursor.fetchall():
                        latencies.append(seen - acknowledged.pop(call_id))
                await asyncio.sleep(POLL_SECONDS)

    watcher = asyncio.create_task(watch())
    make = _webhook_maker(session, session.ingest, prefix)
    run = await loadgen.open_loop(
        session.ingest, make, rate=rate, seconds=seconds, connections=64, on_answer=on_answer
    )
    done.set()
    await asyncio.wait_for(watcher, timeout=60)
    accepted = _stage(f"webhooks at {rate:.0f}/s offered", run)
    stored = StageResult("202 -> queryable", len(latencies), run.seconds, latencies)
    return accepted, stored


async def _call_intake(stack: Stack, total: int) -> StageResult:
    """Call events published straight to the bus (pipelined), until call-store stored them all.
    The events are encoded before the clock starts: the stage measures the intake, not this. They
    belong to a tenant of their own, so counting them is cheap enough to poll often."""
    tenant = f"bench-bus-{secrets.token_hex(4)}"
    prepared = [_bus_event(tenant, f"bus-{i}") for i in range(total)]
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, acks="all", linger_ms=5)
    await producer.start()
    try:
        started = time.perf_counter()
        sent = [
            await producer.send(CALLS_EVENTS.name, body, key=key, headers=headers)
            for body, key, headers in prepared
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    async with await psycopg.AsyncConnection.connect(stack.database_url, autocommit=True) as db:
        while True:
            found = await db.execute(
                "SELECT count(*) FROM call_store.calls WHERE tenant_id = %s", (tenant,)
            )
            row = await found.fetchone()
            if row is not None and row[0] >= total:
                break
            await asyncio.sleep(0.05)
    return StageResult("call events -> stored (bus)", total, time.perf_counter() - started, [])


def _bus_event(tenant_id: str, call_id: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    event = CallEvent.model_validate(
        {**_call(call_id)["data"], "event": "ended", "provider": "standard",
         "occurred_at": "2026-01-07T12:00:00Z"}
    )  # fmt: skip
    envelope = Envelope(type=event.ce_type, source="bench", tenant_id=tenant_id)
    headers = [(k, v.encode()) for k, v in envelope.to_headers().items()]
    return event.model_dump_json().encode(), event_key(tenant_id, event.call_id), headers


async def _sign_ins(session: Session, total: int, concurrency: int) -> StageResult:
    async with httpx.AsyncClient(base_url=session.gateway, timeout=30) as client:

        async def login(_: int) -> None:
            response = await client.post(
                "/api/auth/login", json={"email": session.email, "password": session.password}
            )
            if response.status_code != 200:
                raise RuntimeError(f"login answered {response.status_code}")

        return await _drive("sign-in", total, concurrency, login)


async def _reads(base: str, session: Session, total: int, label: str) -> StageResult:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        headers = {"Authorization": f"Bearer {session.token}"}

        async def read(_: int) -> None:
            await client.get("/api/calls", params={"limit": 1}, headers=headers)

        return await _drive(label, total, 1, read)


def _memory(stack: Stack) -> dict[str, float]:
    """Resident memory per service; a service run as several worker processes counts them all."""
    assert stack.supervisor is not None
    memory = {}
    for name, service in stack.supervisor.processes.items():
        process = psutil.Process(service.process.pid)
        family = [process, *process.children(recursive=True)]
        memory[name] = sum(p.memory_info().rss for p in family) / 2**20
    return memory


def _print_stage(results: list[StageResult]) -> None:
    median = statistics.median
    name = results[0].name
    print(
        f"  {name:<34} {median([r.per_second for r in results]):>9.0f}/s"
        f"   p50 {median([r.percentile(50) for r in results]):>7.2f} ms"
        f"   p95 {median([r.percentile(95) for r in results]):>7.2f} ms"
        f"   p99 {median([r.percentile(99) for r in results]):>7.2f} ms"
        f"   (ok={sum(r.count for r in results)}, errors={sum(r.errors for r in results)},"
        f" runs={len(results)})"
    )


def _print_total(results: list[StageResult]) -> None:
    seconds = statistics.median(r.seconds for r in results)
    print(f"  {results[0].name}: all done after {seconds:.2f} s (median of the runs)")


async def _onboarding(stack: Stack, owner: tuple[str, str], count: int) -> StageResult:
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        login = await api.post("/api/auth/login", json={"email": owner[0], "password": owner[1]})
    seconds, each, missing = await approval_to_completed(
        gateway, login.json()["access_token"], count
    )
    name = f"onboarding: {count} locations, bulk approval -> COMPLETED"
    return StageResult(name, count - missing, seconds, each, missing)


async def _bench(stack: Stack, owner: tuple[str, str], args: argparse.Namespace) -> None:
    if args.only == "onboarding":
        runs = [await _onboarding(stack, owner, args.locations) for _ in range(args.runs)]
        _print_stage(runs)
        _print_total(runs)
        return
    session = await _prepare(stack, owner)
    stages: dict[str, list[StageResult]] = {}
    for _ in range(args.runs):
        for result in (
            await _webhooks(
                session, session.ingest, args.webhooks, 32, "webhooks -> ingest (direct)"
            ),
            await _webhooks(
                session, session.gateway, args.webhooks // 2, 32, "webhooks -> gateway -> ingest"
            ),
            *await _end_to_end(stack, session, args.rate, args.seconds),
            await _call_intake(stack, args.call_events),
            await _sign_ins(session, 50, 4),
            await _reads(session.call_store, session, 300, "GET /api/calls direct"),
            await _reads(session.gateway, session, 300, "GET /api/calls via gateway"),
            await _onboarding(stack, owner, args.locations),
        ):
            stages.setdefault(result.name, []).append(result)
    for results in stages.values():
        _print_stage(results)
    _print_total(next(r for name, r in stages.items() if name.startswith("onboarding")))
    direct = statistics.median(r.percentile(50) for r in stages["GET /api/calls direct"])
    forwarded = statistics.median(r.percentile(50) for r in stages["GET /api/calls via gateway"])
    print(f"  gateway forwarding + verification, median added: {forwarded - direct:.2f} ms")
    print(f"  token verification + permission check, median: {await verification_cost():.0f} µs")
    print(
        "  resident memory (MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in _memory(stack).items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="switchboard-bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--webhooks", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=1000.0, help="webhooks/s, end to end")
    parser.add_argument("--seconds", type=float, default=10.0, help="end-to-end duration")
    parser.add_argument("--call-events", type=int, default=20000)
    parser.add_argument("--ingest-workers", type=int, default=1)
    parser.add_argument("--call-store-workers", type=int, default=1)
    parser.add_argument("--locations", type=int, default=50, help="onboarding stage size")
    parser.add_argument("--only", choices=["onboarding"], help="run this stage alone")
    args = parser.parse_args()
    owner = ("bench-owner@switchboard.local", secrets.token_urlsafe(16))
    data_dir = Path(tempfile.mkdtemp(prefix="switchboard-bench-"))
    stack = Stack.on_free_ports(
        data_dir,
        extra_env={
            "BOOTSTRAP_OWNER_EMAIL": owner[0],
            "BOOTSTRAP_OWNER_PASSWORD": owner[1],
            "LOG_LEVEL": "WARNING",
            "WEBHOOK_RATE_LIMIT_PER_SECOND": "1000000",
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "USER_ACTION_LIMITS": "bulk=1000000,command=1000000,write=1000000,read=1000000",
        },
        per_service_env={
            "webhook-ingest": {"HTTP_WORKERS": str(args.ingest_workers)},
            "call-store": {"HTTP_WORKERS": str(args.call_store_workers)},
        },
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
    )
    print(
        f"command: make bench (runs={args.runs}, webhooks per run={args.webhooks}, "
        f"end to end {args.rate:.0f}/s for {args.seconds:.0f} s, "
        f"call events per run={args.call_events}, workers: webhook-ingest "
        f"{args.ingest_workers}, call-store {args.call_store_workers}); "
        "medians of the runs"
    )
    try:
        stack.start_infrastructure()
        stack.start_services()
        asyncio.run(_bench(stack, owner, args))
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
