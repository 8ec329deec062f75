"""`switchboard` without a platform: where the token is kept, and the exit statuses."""

from __future__ import annotations

import io
import socket
import stat
from pathlib import Path

import pytest

from switchboard_deploy.cli import main
from switchboard_deploy.cli.credentials import current_token, save_token, token_path
from switchboard_deploy.cli.failures import NoToken


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("SWITCHBOARD_TOKEN", raising=False)
    return tmp_path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_token_file_is_readable_by_its_owner_alone_even_over_an_open_one() -> None:
    token_path().parent.mkdir(parents=True)
    token_path().write_text("old")
    token_path().chmod(0o644)
    save_token("new-token")
    assert token_path().read_text() == "new-token"
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(token_path().parent.stat().st_mode) == 0o700


def test_switchboard_token_wins_over_the_stored_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    save_token("stored")
    assert current_token() == "stored"
    monkeypatch.setenv("SWITCHBOARD_TOKEN", "from-the-environment")
    assert current_token() == "from-the-environment"


def test_without_any_token_it_says_how_to_sign_in() -> None:
    with pytest.raises(NoToken, match="switchboard login"):
        current_token()
    assert main(["ctl", "status"]) == 2


def test_an_unreachable_gateway_or_broker_is_exit_status_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_TOKEN", "a-token")
    nowhere = f"127.0.0.1:{closed_port()}"
    assert main(["ctl", "status", "--url", f"http://{nowhere}"]) == 3
    via_bus = ["--via-bus", "--bootstrap-servers", nowhere, "--timeout", "2"]
    assert main(["ctl", "status", *via_bus]) == 3


def test_a_mode_change_without_a_reason_is_a_usage_error_and_a_refusal_to_confirm_is_4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SWITCHBOARD_TOKEN", "a-token")
    assert main(["ctl", "shutdown"]) == 2
    assert main(["ctl", "shutdown", "--reason", "   "]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal to ask on
    assert main(["ctl", "shutdown", "--reason", "drill", "--url", "http://127.0.0.1:1"]) == 4
