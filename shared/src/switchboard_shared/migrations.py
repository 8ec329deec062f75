"""Plain, versioned SQL migrations per service schema, applied as the owner under a lock.

A migration file is `NNN_name.sql`; it runs with `search_path` set to the service's schema, and
`{{role}}` in it stands for the service's login role (which never bypasses row-level security).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: str
    sql_text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql_text.encode()).hexdigest()


def load_migrations(package: str) -> list[Migration]:
    folder: Traversable = files(package).joinpath("migrations")
    found = [f for f in folder.iterdir() if f.name.endswith(".sql")]
    return [
        Migration(f.name.removesuffix(".sql"), f.read_text())
        for f in sorted(found, key=lambda f: f.name)
    ]


def _lock_id(schema: str) -> int:
    return int.from_bytes(hashlib.sha256(schema.encode()).digest()[:8], "big", signed=True)


async def apply_migrations(
    owner_dsn: str,
    *,
    schema: str,
    role: str,
    role_password: str | None,
    migrations: list[Migration],
) -> list[str]:
    """Applies what is missing; safe to run from several replicas at once. Returns what ran."""
    applied: list[str] = []
    async with await psycopg.AsyncConnection.connect(owner_dsn, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_lock_id(schema),))
        try:
            await _ensure_role(conn, role, role_password)
            await conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
            )
            await conn.execute(
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                    sql.Identifier(schema), sql.Identifier(role)
                )
            )
            # The service's queries name tables without their schema.
            await conn.execute(
                sql.SQL("ALTER ROLE {} SET search_path TO {}, public").format(
                    sql.Identifier(role), sql.Identifier(schema)
                )
            )
            await conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.schema_migrations ("
                    "version text PRIMARY KEY, checksum text NOT NULL, "
                    "applied_at timestamptz NOT NULL DEFAULT now())"
                ).format(sql.Identifier(schema))
            )
            done = await _applied_versions(conn, schema)
            for migration in migrations:
                if migration.version in done:
                    if done[migration.version] != migration.checksum:
                        log.warning(
                            "migration %s.%s changed after it ran", schema, migration.version
                        )
                    continue
                await _apply_one(conn, schema, role, migration)
                applied.append(migration.version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_lock_id(schema),))
    return applied


async def _ensure_role(
    conn: psycopg.AsyncConnection[object], role: str, password: str | None
) -> None:
    exists = await (
        await conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    ).fetchone()
    options: sql.Composable = sql.SQL("LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB")
    if password:
        options = sql.SQL("{} PASSWORD {}").format(options, sql.Literal(password))
    verb = "ALTER" if exists else "CREATE"
    # Another replica may create it between our check and our create.
    with contextlib.suppress(psycopg.errors.DuplicateObject):
        await conn.execute(sql.SQL(verb + " ROLE {} {}").format(sql.Identifier(role), options))


async def _applied_versions(conn: psycopg.AsyncConnection[object], schema: str) -> dict[str, str]:
    cursor = await conn.execute(
        sql.SQL("SELECT version, checksum FROM {}.schema_migrations").format(sql.Identifier(schema))
    )
    return {str(row[0]): str(row[1]) for row in await cursor.fetchall()}  # type: ignore[index]


async def _apply_one(
    conn: psycopg.AsyncConnection[object], schema: str, role: str, migration: Migration
) -> None:
    body = migration.sql_text.replace("{{role}}", sql.Identifier(role).as_string(conn))
    async with conn.transaction():
        await conn.execute(
            sql.SQL("SET LOCAL search_path TO {}, public").format(sql.Identifier(schema))
        )
        await conn.execute(body.encode())
        await conn.execute(
            sql.SQL("INSERT INTO {}.schema_migrations (version, checksum) VALUES (%s, %s)").format(
                sql.Identifier(schema)
            ),
            (migration.version, migration.checksum),
        )
    log.info("applied migration %s.%s", schema, migration.version)
