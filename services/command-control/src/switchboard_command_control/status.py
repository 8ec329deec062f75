"""Status use cases: the operating mode, service heartbeats, and restoring the mode on start."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from switchboard_command_control.domain import InstanceBeat, summarize
from switchboard_command_control.lag import consumer_lag, groups_of
from switchboard_command_control.ports import STATE_KEY, Ports
from switchboard_command_control.store import ControlStore
from switchboard_shared.events import ControlState, Heartbeat, utcnow
from switchboard_shared.topics import CONTROL_STATE

log = logging.getLogger(__name__)


async def current_state(ports: Ports) -> ControlState:
    return await ports.store.current_state() or ports.maintenance.current


async def system_status(ports: Ports) -> dict[str, Any]:
    now = utcnow()
    state = await current_state(ports)
    beats = await ports.store.heartbeats_since(now - timedelta(seconds=ports.forget_after))
    fresh = [b for b in beats if now - b.last_seen_at <= timedelta(seconds=ports.stale_after)]
    lag = (
        await consumer_lag(ports.bootstrap_servers, groups_of(fresh))
        if ports.bootstrap_servers
        else None
    )
    return {
        "mode": state.mode.value,
        "reason": state.reason,
        "changed_at": state.changed_at.isoformat(),
        "changed_by": state.changed_by,
        **summarize(beats, now, ports.stale_after),
        "consumer_lag": lag,
        "checked_at": now.isoformat(),
    }


async def record_heartbeat(store: ControlStore, beat: Heartbeat, forget_after: float) -> None:
    await store.save_heartbeat(
        InstanceBeat(
            service=beat.service,
            instance=beat.instance,
            ready=beat.ready,
            mode=beat.mode.value,
            last_seen_at=beat.at,
            version=beat.version,
            commit=beat.commit,
            consumer_groups=beat.consumer_groups,
        )
    )
    await store.forget_heartbeats(beat.service, beat.at - timedelta(seconds=forget_after))


async def republish_last_state(
    ports: Ports, topic_is_empty: Callable[[], Awaitable[bool]]
) -> ControlState | None:
    """The embedded broker forgets topics when it stops: put the last known state back."""
    state = await ports.store.current_state()
    if state is None or not await topic_is_empty():
        return None
    await ports.bus.publish(CONTROL_STATE, state, key=STATE_KEY, actor=state.changed_by)
    log.info("re-published operating mode %s to %s", state.mode, CONTROL_STATE.name)
    return state
