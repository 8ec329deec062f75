"""The processing gate holds a message for as long as the platform is in maintenance."""

from __future__ import annotations

import asyncio

from switchboard_shared.events import ControlState, OperatingMode
from switchboard_shared.gate import ProcessingGate
from switchboard_shared.maintenance import MaintenanceState


def state(mode: OperatingMode) -> MaintenanceState:
    maintenance = MaintenanceState()
    maintenance.current = ControlState(mode=mode, reason="test")
    return maintenance


async def test_a_running_platform_lets_messages_through_at_once() -> None:
    gate = ProcessingGate(state(OperatingMode.RUNNING))
    await asyncio.wait_for(gate.wait_until_open("calls"), timeout=1)
    assert gate.holding == 0


async def test_read_only_mode_still_processes_events() -> None:
    gate = ProcessingGate(state(OperatingMode.READ_ONLY))
    await asyncio.wait_for(gate.wait_until_open("calls"), timeout=1)


async def test_maintenance_holds_the_message_until_the_platform_runs_again() -> None:
    maintenance = state(OperatingMode.MAINTENANCE)
    gate = ProcessingGate(maintenance)
    waiter = asyncio.create_task(gate.wait_until_open("calls"))
    await asyncio.sleep(0.05)
    assert gate.holding == 1
    assert not waiter.done()
    maintenance.current = ControlState(mode=OperatingMode.READ_ONLY, reason="still careful")
    await asyncio.wait_for(waiter, timeout=1)
    assert gate.holding == 0


async def test_an_older_state_read_late_does_not_undo_a_newer_one() -> None:
    maintenance = MaintenanceState()
    newer = ControlState(mode=OperatingMode.MAINTENANCE, reason="newer")
    older = newer.model_copy(
        update={"mode": OperatingMode.RUNNING, "changed_at": newer.changed_at.replace(year=2020)}
    )
    maintenance.learn(newer)
    maintenance.learn(older)
    assert maintenance.processing_paused
