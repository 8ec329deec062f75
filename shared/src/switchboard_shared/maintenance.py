"""The platform's operating mode as this replica last learned it from `control.state`."""

from __future__ import annotations

import asyncio

from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ControlState, OperatingMode


class MaintenanceState:
    def __init__(self) -> None:
        self._processing = asyncio.Event()
        self._changed = asyncio.Event()
        self.current = ControlState(mode=OperatingMode.RUNNING, reason="initial")

    @property
    def current(self) -> ControlState:
        return self._current

    @current.setter
    def current(self, state: ControlState) -> None:
        self._current = state
        self._changed.set()
        if state.mode is OperatingMode.MAINTENANCE:
            self._processing.clear()
        else:
            self._processing.set()

    @property
    def mode(self) -> OperatingMode:
        return self.current.mode

    @property
    def processing_paused(self) -> bool:
        return self.current.mode is OperatingMode.MAINTENANCE

    @property
    def writes_allowed(self) -> bool:
        return self.current.mode is OperatingMode.RUNNING

    async def until_processing(self) -> None:
        """Returns at once unless the platform is in maintenance; then when it leaves it."""
        while self.processing_paused:
            await self._processing.wait()

    async def next_change(self) -> None:
        """Returns once the state has changed since the last call (for the heartbeat)."""
        await self._changed.wait()
        self._changed.clear()

    def learn(self, state: ControlState) -> None:
        """Keeps the newest state; the initial guess gives way to anything read from the bus."""
        if state.changed_at >= self.current.changed_at or self.current.reason == "initial":
            self.current = state

    async def on_state(self, state: ControlState, _: Envelope) -> None:
        self.learn(state)
