"""Alert rules follow the runbook's warning and critical levels."""

from __future__ import annotations

from switchboard_gateway.monitoring import RequestStats, Thresholds, alerts

READY = {"gateway": {"status": "ready"}, "audit": {"status": "ready"}}


def _names(found: list[dict[str, object]]) -> dict[str, object]:
    return {str(a["alert"]): a["severity"] for a in found}


def test_a_quiet_healthy_platform_raises_nothing() -> None:
    assert alerts(RequestStats(1000, 5, 0.1), READY, 0.01, Thresholds()) == []


def test_error_rate_above_two_percent_warns_and_above_five_is_critical() -> None:
    assert _names(alerts(RequestStats(100, 3, 0.1), READY, 0.01, Thresholds())) == {
        "high_error_rate": "warning"
    }
    assert _names(alerts(RequestStats(100, 6, 0.1), READY, 0.01, Thresholds())) == {
        "high_error_rate": "critical"
    }


def test_a_slow_p95_warns() -> None:
    assert _names(alerts(RequestStats(10, 0, 2.5), READY, 0.01, Thresholds())) == {
        "slow_responses": "warning"
    }


def test_a_service_not_ready_is_critical() -> None:
    readiness = {**READY, "call-store": {"status": "unreachable"}}
    found = alerts(RequestStats(0, 0, None), readiness, 0.01, Thresholds())
    assert [(a["alert"], a["service"], a["severity"]) for a in found] == [
        ("service_not_ready", "call-store", "critical")
    ]


def test_a_slow_or_absent_database_is_flagged() -> None:
    assert _names(alerts(RequestStats(0, 0, None), READY, 1.5, Thresholds())) == {
        "slow_database": "warning"
    }
    assert _names(alerts(RequestStats(0, 0, None), READY, 2.5, Thresholds())) == {
        "slow_database": "critical"
    }
    assert _names(alerts(RequestStats(0, 0, None), READY, None, Thresholds())) == {
        "database_unreachable": "critical"
    }
