from datetime import UTC, datetime, timedelta

import pytest

from switchboard_command_control.domain import (
    CommandRefused,
    CommandRequest,
    InstanceBeat,
    check_rules,
    command_name,
    parse_request,
    summarize,
)
from switchboard_shared.events import OperatingMode


def refusal(body: object) -> str:
    with pytest.raises(CommandRefused) as caught:
        check_rules(parse_request(body))
    return caught.value.code


@pytest.mark.parametrize("command", ["shutdown", "override", "restart_system"])
def test_irreversible_commands_need_approval_confirmed_true(command):
    assert refusal({"command": command, "params": {}}) == "approval_required"
    assert refusal({"command": command}) == "approval_required"


@pytest.mark.parametrize("approval", ["true", 1, "yes", None, False])
def test_only_the_boolean_true_counts_as_approval(approval):
    assert refusal({"command": "shutdown", "params": {"approvalConfirmed": approval}}) == (
        "approval_required"
    )


def test_an_approved_shutdown_targets_maintenance():
    request = parse_request({"command": "shutdown", "params": {"approvalConfirmed": True}})
    check_rules(request)
    assert request.target_mode is OperatingMode.MAINTENANCE


def test_restart_targets_running_and_read_only_needs_no_approval():
    restart = CommandRequest("restart_system", {"approvalConfirmed": True})
    read_only = CommandRequest("read_only", {})
    check_rules(restart)
    check_rules(read_only)
    assert (restart.target_mode, read_only.target_mode) == (
        OperatingMode.RUNNING,
        OperatingMode.READ_ONLY,
    )


def test_status_and_report_change_nothing():
    for name in ("status", "report"):
        request = parse_request({"command": name})
        check_rules(request)
        assert request.target_mode is None


@pytest.mark.parametrize(
    "command", ["create_mission", "access_data", "view_financials", "scale_division"]
)
def test_runbook_commands_without_a_subject_here_are_unsupported(command):
    assert refusal({"command": command, "params": {}}) == "unsupported_command"


def test_an_approved_override_is_still_unsupported():
    body = {"command": "override", "params": {"approvalConfirmed": True}}
    assert refusal(body) == "unsupported_command"


def test_an_unknown_command_is_named_as_such():
    assert refusal({"command": "self_destruct"}) == "unknown_command"


@pytest.mark.parametrize(
    "body",
    [
        [],
        "shutdown",
        {},
        {"command": ""},
        {"command": 7},
        {"command": "x" * 65},
        {"command": "status", "params": []},
        {"command": "status", "params": {"blob": "x" * 20_000}},
        {"command": "read_only", "params": {"reason": 42}},
    ],
)
def test_malformed_requests_are_bad_requests(body):
    assert refusal(body) == "bad_request"


def test_a_refused_body_is_still_named_for_the_history():
    assert command_name({"command": "shutdown"}) == "shutdown"
    assert command_name(["nonsense"]) == "invalid"


NOW = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def beat(service: str, instance: str, age: float, ready: bool = True) -> InstanceBeat:
    return InstanceBeat(service, instance, ready, "running", NOW - timedelta(seconds=age))


def test_an_instance_silent_for_more_than_fifteen_seconds_is_stale():
    summary = summarize([beat("audit", "a", 3), beat("audit", "b", 16)], NOW, 15)
    assert [s["instance"] for s in summary["stale"]] == ["b"]
    assert summary["services"][0]["ready"] is True


def test_a_service_whose_only_ready_instance_is_stale_is_not_ready():
    summary = summarize([beat("gateway", "a", 30), beat("gateway", "b", 1, ready=False)], NOW, 15)
    assert summary["services"] == [
        {"service": "gateway", "instances": summary["services"][0]["instances"], "ready": False}
    ]
