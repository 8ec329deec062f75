"""A lean HTTP/1.1 load generator over keep-alive connections, for `make bench`.

The platform and its load share one machine, so the load must cost little CPU per request: the
requests are prepared bytes, and a response is read as its head plus `Content-Length` bytes.
Closed loop (each connection sends its next request when the answer came) finds the throughput;
open loop (requests leave on a fixed schedule, whatever the answers) shows latency at a rate,
measured from the scheduled time so a stall is not hidden by requests that were never sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

RequestMaker = Callable[[int], bytes]
TICK_SECONDS = 0.002


@dataclass
class Answer:
    index: int
    status: int
    sent: float
    answered: float
    body: bytes


@dataclass
class Run:
    seconds: float
    answers: list[Answer] = field(default_factory=list)

    @property
    def ok(self) -> list[Answer]:
        return [a for a in self.answers if 200 <= a.status < 300]


def post_request(url: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """The bytes of one POST with a JSON body, for a keep-alive connection."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"POST {target} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, url: str) -> _Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        return cls(reader, writer)

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lowered = head.lower()
        start = lowered.find(b"content-length:")
        if start < 0:
            raise RuntimeError("a response without Content-Length")
        end = lowered.index(b"\r\n", start)
        length = int(lowered[start + 15 : end])
        return status, await self._reader.readexactly(length) if length else b""

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


async def closed_loop(url: str, make: RequestMaker, total: int, connections: int) -> Run:
    opened = [await _Connection.open(url) for _ in range(connections)]
    indexes = iter(range(total))
    answers: list[Answer] = []

    async def drive(connection: _Connection) -> None:
        for index in indexes:
            raw = make(index)
            sent = time.perf_counter()
            status, body = await connection.exchange(raw)
            answers.append(Answer(index, status, sent, time.perf_counter(), body))

    started = time.perf_counter()
    try:
        await asyncio.gather(*(drive(connection) for connection in opened))
    finally:
        await asyncio.gather(*(connection.close() for connection in opened))
    return Run(time.perf_counter() - started, answers)


async def open_loop(
    url: str,
    make: RequestMaker,
    *,
    rate: float,
    seconds: float,
    connections: int,
    on_answer: Callable[[Answer], None] | None = None,
) -> Run:
    """Request i leaves at start + i / rate on the first idle connection (a new one is opened
    when none is idle, up to `connections`); its latency counts from that scheduled time."""
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await _Connection.open(url))
    answers: list[Answer] = []
    total = int(rate * seconds)
    start = time.perf_counter()

    async def one(index: int, scheduled: float) -> None:
        connection = await idle.get()
        try:
            status, body = await connection.exchange(make(index))
        finally:
            idle.put_nowait(connection)
        answer = Answer(index, status, scheduled, time.perf_counter(), body)
        answers.append(answer)
        if on_answer is not None:
            on_answer(answer)

    tasks: list[asyncio.Task[None]] = []
    while len(tasks) < total:
        due = min(total, int((time.perf_counter() - start) * rate) + 1)
        tasks.extend(
            asyncio.create_task(one(index, start + index / rate))
            for index in range(len(tasks), due)
        )
        await asyncio.sleep(TICK_SECONDS)  # one timer per tick, not per request
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not idle.empty():
        await idle.get_nowait().close()
    return Run(elapsed, answers)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0
