"""The control schema's SQL behind a small Protocol: command history, mode history, heartbeats."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, cast

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from switchboard_command_control.domain import CommandRecord, InstanceBeat
from switchboard_shared.db import Connection
from switchboard_shared.events import ControlState, OperatingMode


class ControlStore(Protocol):
    async def record_command(self, record: CommandRecord) -> None: ...

    async def record_mode_change(self, record: CommandRecord, state: ControlState) -> None: ...

    async def current_state(self) -> ControlState | None: ...

    async def find_command(self, command_id: str) -> CommandRecord | None: ...

    async def save_heartbeat(self, beat: InstanceBeat) -> None: ...

    async def forget_heartbeats(self, service: str, before: datetime) -> None: ...

    async def heartbeats_since(self, since: datetime) -> list[InstanceBeat]: ...


class PostgresControlStore:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def record_command(self, record: CommandRecord) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await _insert_command(conn, record)  # type: ignore[arg-type]

    async def record_mode_change(self, record: CommandRecord, state: ControlState) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await _insert_command(conn, record)  # type: ignore[arg-type]
            await conn.execute(
                "INSERT INTO states (mode, reason, changed_by, command_id, changed_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (
                    state.mode.value,
                    state.reason,
                    state.changed_by,
                    state.command_id,
                    state.changed_at,
                ),
            )

    async def current_state(self) -> ControlState | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT mode, reason, changed_by, command_id, changed_at FROM states "
                "ORDER BY seq DESC LIMIT 1"
            )
            row = cast("dict[str, Any] | None", await cursor.fetchone())
        if row is None:
            return None
        return ControlState(**{**row, "mode": OperatingMode(row["mode"])})

    async def find_command(self, command_id: str) -> CommandRecord | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT command_id, command, params, actor_id, actor_email, actor_role, outcome, "
                "reason, result, issued_at FROM commands WHERE command_id = %s",
                (command_id,),
            )
            row = cast("dict[str, Any] | None", await cursor.fetchone())
        return CommandRecord(**row) if row is not None else None

    async def save_heartbeat(self, beat: InstanceBeat) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO heartbeats AS h (service, instance, ready, mode, last_seen_at,"
                " version, commit, consumer_groups) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (service, instance) DO UPDATE "
                "SET ready = excluded.ready, mode = excluded.mode, "
                "last_seen_at = excluded.last_seen_at, version = excluded.version, "
                "commit = excluded.commit, consumer_groups = excluded.consumer_groups "
                "WHERE h.last_seen_at <= excluded.last_seen_at",
                (
                    beat.service,
                    beat.instance,
                    beat.ready,
                    beat.mode,
                    beat.last_seen_at,
                    beat.version,
                    beat.commit,
                    Jsonb(beat.consumer_groups),
                ),
            )

    async def forget_heartbeats(self, service: str, before: datetime) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM heartbeats WHERE service = %s AND last_seen_at < %s", (service, before)
            )

    async def heartbeats_since(self, since: datetime) -> list[InstanceBeat]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT service, instance, ready, mode, last_seen_at, version, commit,"
                " consumer_groups FROM heartbeats "
                "WHERE last_seen_at >= %s ORDER BY service, instance",
                (since,),
            )
            return [InstanceBeat(**row) for row in await cursor.fetchall()]  # type: ignore[arg-type]


async def _insert_command(conn: Connection, record: CommandRecord) -> None:
    await conn.execute(
        "INSERT INTO commands (command_id, command, params, actor_id, actor_email, actor_role, "
        "outcome, reason, result, issued_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            record.command_id, record.command, Jsonb(record.params), record.actor_id,
            record.actor_email, record.actor_role, record.outcome, record.reason,
            Jsonb(record.result) if record.result is not None else None, record.issued_at,
        ),
    )  # fmt: skip
