"""Which action a request counts against, and how the limits per action are written."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from switchboard_gateway.request_actions import (
    DEFAULT_ACTION_LIMITS,
    Action,
    classify,
    parse_action_limits,
)
from switchboard_gateway.settings import GatewaySettings


@pytest.mark.parametrize(
    ("method", "path", "action"),
    [
        ("POST", "/api/bulk/status", Action.BULK),
        ("POST", "/api/bulk/provisioning", Action.BULK),
        ("post", "/api/bulk/approvals", Action.BULK),
        ("POST", "/api/owner/command", Action.COMMAND),
        ("POST", "/api/tenants", Action.WRITE),
        ("PATCH", "/api/tenants/t1/users/u1", Action.WRITE),
        ("DELETE", "/api/auth/sessions/s1", Action.WRITE),
        ("PUT", "/api/locations/l1", Action.WRITE),
        ("POST", "/api/auth/logout", Action.WRITE),
        ("POST", "/api/auth/mfa/enrol", Action.WRITE),
        ("POST", "/api/bulkx", Action.WRITE),
        ("POST", "/api/owner/commands", Action.WRITE),
        ("GET", "/api/bulk/jobs/j1", Action.READ),
        ("GET", "/api/owner/command", Action.READ),
        ("GET", "/api/calls", Action.READ),
        ("HEAD", "/api/auth/me", Action.READ),
        ("GET", "/api/auth/login", Action.READ),
    ],
)
def test_a_request_counts_against_the_action_its_method_and_path_name(
    method: str, path: str, action: Action
) -> None:
    assert classify(method, path) == action


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/webhooks/retell"),
        ("GET", "/api/webhooks/retell"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/refresh"),
        ("POST", "/api/auth/mfa/verify"),
        ("POST", "/api/invitations/accept"),
        ("OPTIONS", "/api/tenants"),
        ("GET", "/health"),
        ("POST", "/.well-known/jwks.json"),
        ("GET", "/apix"),
    ],
)
def test_webhooks_sign_in_and_paths_outside_the_api_count_against_no_action(
    method: str, path: str
) -> None:
    assert classify(method, path) is None


def test_limits_named_replace_the_defaults_and_the_others_keep_theirs() -> None:
    limits = parse_action_limits(" bulk = 3 ,READ=50")
    assert limits == {**DEFAULT_ACTION_LIMITS, Action.BULK: 3, Action.READ: 50}


def test_an_empty_value_means_every_default() -> None:
    assert parse_action_limits("") == DEFAULT_ACTION_LIMITS


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("bulk", "is not action=limit"),
        ("upload=5", "unknown action 'upload'"),
        ("bulk=0", "at least 1"),
        ("bulk=-2", "at least 1"),
        ("bulk=ten", "at least 1"),
        ("bulk=²", "at least 1"),
        ("bulk=5,bulk=6", "named twice"),
    ],
)
def test_a_malformed_value_is_refused_saying_what_is_wrong(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_action_limits(text)


def test_settings_take_the_limits_from_user_action_limits() -> None:
    settings = GatewaySettings(
        database_url="postgresql://x", kafka_bootstrap_servers="x", user_action_limits="bulk=2"
    )
    assert settings.action_limits[Action.BULK] == 2
    with pytest.raises(ValidationError, match="unknown action"):
        GatewaySettings(
            database_url="postgresql://x", kafka_bootstrap_servers="x", user_action_limits="x=1"
        )


def test_the_service_exits_naming_user_action_limits_when_it_is_malformed() -> None:
    env = {
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "USER_ACTION_LIMITS": "bulk=lots",
    }
    started = subprocess.run(
        [sys.executable, "-m", "switchboard_gateway"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert "USER_ACTION_LIMITS" in started.stderr
