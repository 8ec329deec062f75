"""Forgets what is old: dedup keys after their retention, delivery log rows, idle rate buckets."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from switchboard_shared.db import ALL_TENANTS
from switchboard_webhook_ingest.store import SWEEP_BATCH, Store

log = logging.getLogger(__name__)

IDLE_BUCKET_AGE = timedelta(hours=1)


async def sweep_once(store: Store, *, dedup_hours: int, log_hours: int) -> int:
    now = datetime.now(UTC)
    removed = 0
    for table, hours in (("deliveries", dedup_hours), ("delivery_log", log_hours)):
        while True:
            async with store.transaction(ALL_TENANTS) as tx:
                count = await tx.sweep(table, now - timedelta(hours=hours))
            removed += count
            if count < SWEEP_BATCH:
                break
    async with store.transaction(ALL_TENANTS) as tx:
        await tx.sweep_rate_buckets(now - IDLE_BUCKET_AGE)
    return removed


async def sweep_forever(store: Store, *, every: float, dedup_hours: int, log_hours: int) -> None:
    while True:
        try:
            removed = await sweep_once(store, dedup_hours=dedup_hours, log_hours=log_hours)
            if removed:
                log.info("retention removed %d rows", removed)
        except Exception as error:
            log.warning("retention sweep failed: %r", error)
        await asyncio.sleep(every)
