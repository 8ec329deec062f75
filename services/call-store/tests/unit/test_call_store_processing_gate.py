"""The processing gate holds a message for as long as the platform is in maintenance."""

from __future__ import annotations

import asyncio

from switchboard_call_store.subscribers import ProcessingGate
from switchboard_shared.events import ControlState, OperatingMode
from switchboard_shared.maintenance import MaintenanceState


def state(mode: OperatingMode) -> MaintenanceState:
    maintenance = MaintenanceState()
    maintenance.current = ControlState(mode=mode, reason="test")
    return maintenance


async def test_a_running_platform_lets_messages_through_at_once() -> None:
    gate = ProcessingGate(state(OperatingMode.RUNNING), poll_seconds=0.01)
    await asyncio.wait_for(gate.wait_until_running(), timeout=1)
    assert gate.waiting == 0


async def test_read_only_mode_still_processes_events() -> None:
    gate = ProcessingGate(state(OperatingMode.READ_ONLY), poll_seconds=0.01)
    await asyncio.wait_for(gate.wait_until_running(), timeout=1)


async def test_maintenance_holds_the_message_until_the_platform_runs_again() -> None:
    maintenance = state(OperatingMode.MAINTENANCE)
    gate = ProcessingGate(maintenance, poll_seconds=0.01)
    waiter = asyncio.create_task(gate.wait_until_running())
    for _ in range(100):
        if gate.waiting:
            break
        await asyncio.sleep(0.01)
    assert gate.waiting == 1
    assert not waiter.done()
    maintenance.current = ControlState(mode=OperatingMode.RUNNING, reason="done")
    await asyncio.wait_for(waiter, timeout=1)
    assert gate.waiting == 0
