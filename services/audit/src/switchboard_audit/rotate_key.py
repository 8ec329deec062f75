"""`python -m switchboard_audit.rotate_key`: checkpoints are signed with a new key from now on.

Run with the service's environment (DATABASE_URL, SECRETS_KEY, LOG_ORIGIN). The old key is
retired, not removed: it stays listed at /api/audit/public-keys, so its checkpoints still
verify. Running replicas pick the new key up at their next checkpoint.
"""

from __future__ import annotations

import asyncio

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from switchboard_audit.checkpoint_store import PostgresCheckpointStore, StoredCheckpoint
from switchboard_audit.checkpoints import Checkpointer
from switchboard_audit.settings import AuditSettings
from switchboard_audit.signing import KeyVault
from switchboard_audit.store import PostgresAuditStore
from switchboard_shared.db import role_dsn
from switchboard_shared.settings import load_settings


async def rotate(settings: AuditSettings) -> str:
    password = settings.db_service_password
    dsn = role_dsn(
        settings.database_url, settings.db_role, password.get_secret_value() if password else None
    )
    async with AsyncConnectionPool(
        dsn, min_size=1, max_size=1, open=False, kwargs={"row_factory": dict_row}
    ) as pool:

        async def no_publication(_: StoredCheckpoint) -> None:
            return None

        vault = KeyVault(settings.encryption_secret)
        checkpointer = Checkpointer(
            PostgresAuditStore(pool), PostgresCheckpointStore(pool), vault,
            settings.log_origin, no_publication,
        )  # fmt: skip
        key = await checkpointer.rotate()
        return key.verifier.vkey


def main() -> None:
    vkey = asyncio.run(rotate(load_settings(AuditSettings)))
    print(f"checkpoints are now signed by {vkey}; the previous key stays listed")


if __name__ == "__main__":
    main()
