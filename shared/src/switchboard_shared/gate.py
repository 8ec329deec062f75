"""The processing gate: every consumer that does work waits here while the platform is in
maintenance, so a held message is neither processed nor acknowledged (its offset is not
committed) until `restart_system`. Readers of platform state pass by it."""

from __future__ import annotations

import logging

from switchboard_shared.maintenance import MaintenanceState

log = logging.getLogger(__name__)


class ProcessingGate:
    def __init__(self, maintenance: MaintenanceState) -> None:
        self._maintenance = maintenance
        self.holding = 0

    async def wait_until_open(self, what: str) -> None:
        if not self._maintenance.processing_paused:
            return
        self.holding += 1
        log.info("processing paused for maintenance; holding %s", what)
        try:
            await self._maintenance.until_processing()
        finally:
            self.holding -= 1
