"""The platform's operating mode as this replica last learned it from `control.state`."""

from __future__ import annotations

from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ControlState, OperatingMode


class MaintenanceState:
    def __init__(self) -> None:
        self.current = ControlState(mode=OperatingMode.RUNNING, reason="initial")

    @property
    def mode(self) -> OperatingMode:
        return self.current.mode

    @property
    def processing_paused(self) -> bool:
        return self.current.mode is OperatingMode.MAINTENANCE

    @property
    def writes_allowed(self) -> bool:
        return self.current.mode is OperatingMode.RUNNING

    async def on_state(self, state: ControlState, _: Envelope) -> None:
        if state.changed_at >= self.current.changed_at or self.current.reason == "initial":
            self.current = state
