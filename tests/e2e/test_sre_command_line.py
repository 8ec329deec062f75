"""`switchboard login` and `switchboard ctl`, run as an SRE runs them, against the running
platform: over the gateway, and over the bus with `--via-bus`."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from modes import command

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, unique_id

pytestmark = pytest.mark.e2e

SWITCHBOARD = Path(sys.executable).with_name("switchboard")


class Sre:
    """A shell with its own config directory, pointed at the platform."""

    def __init__(self, gateway_url: str, bootstrap_servers: str, home: Path) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(home),
            "SWITCHBOARD_URL": gateway_url,
        }
        self.env.pop("SWITCHBOARD_TOKEN", None)

    def run(self, *args: str, answer: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SWITCHBOARD), *args],
            input=answer,
            capture_output=True,
            text=True,
            timeout=90,
            env={**self.env, **env},
        )

    def json(self, *args: str) -> Any:
        done = self.run(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def bus(self) -> tuple[str, ...]:
        return ("--via-bus", "--bootstrap-servers", self.bootstrap_servers)


@pytest.fixture
def sre(platform: Stack, gateway_url: str, platform_owner: Owner, tmp_path: Path) -> Sre:
    shell = Sre(gateway_url, platform.bootstrap_servers, tmp_path)
    signed_in = shell.run(
        "login", "--email", platform_owner.email, "--password", platform_owner.password
    )
    assert signed_in.returncode == 0, signed_in.stderr
    return shell


def test_login_keeps_the_token_readable_by_its_owner_alone(sre: Sre, tmp_path: Path) -> None:
    token = tmp_path / "switchboard" / "token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert token.read_text().count(".") == 2  # a JWT, used by the next command
    assert sre.json("ctl", "status")["mode"] in {"running", "maintenance", "read_only"}


def test_a_wrong_password_is_refused_with_the_platform_error(
    gateway_url: str, platform_owner: Owner, tmp_path: Path, platform: Stack
) -> None:
    shell = Sre(gateway_url, platform.bootstrap_servers, tmp_path)
    refused = shell.run("login", "--email", platform_owner.email, "--password", "wrong-password")
    assert refused.returncode == 1
    assert json.loads(refused.stderr)["error"] == "invalid_credentials"
    assert not (tmp_path / "switchboard" / "token").exists()


def test_shutdown_asks_first_then_pauses_and_restart_over_the_bus_resumes(
    sre: Sre, gateway_url: str, owner_token: str
) -> None:
    reason = unique_id("drill")
    declined = sre.run("ctl", "shutdown", "--reason", reason, answer="n\n")
    assert declined.returncode == 4, declined.stderr
    assert sre.json("ctl", "status")["reason"] != reason
    try:
        down = sre.json("ctl", "shutdown", "--reason", reason, "--yes")
        assert (down["success"], down["result"]["mode"]) == (True, "maintenance")
        status = sre.json("ctl", "status", *sre.bus())
        assert (status["mode"], status["reason"]) == ("maintenance", reason)
        assert {"service", "instances"} <= set(status["services"][0])
        table = sre.run("ctl", "status")
        assert table.returncode == 0
        assert "maintenance" in table.stdout
        assert "command-control" in table.stdout

        up = sre.json("ctl", "restart", "--reason", f"{reason} over", "--yes", *sre.bus())
        assert (up["result"]["mode"], up["result"]["previous_mode"]) == ("running", "maintenance")
        assert sre.json("ctl", "status")["mode"] == "running"
    finally:
        command(gateway_url, owner_token, "restart_system", "the SRE command line test is over")


def test_over_the_bus_a_bad_token_and_a_missing_reason_are_refused(sre: Sre) -> None:
    forged = sre.run(
        "ctl", "read-only", "--reason", "x", "--yes", *sre.bus(), SWITCHBOARD_TOKEN="x"
    )
    assert forged.returncode == 1
    assert json.loads(forged.stderr)["error"] == "invalid_token"
    assert sre.run("ctl", "read-only", "--yes").returncode == 2
    assert sre.json("ctl", "status", *sre.bus())["mode"] == "running"


def test_without_a_token_it_says_how_to_get_one(
    gateway_url: str, platform: Stack, tmp_path: Path
) -> None:
    shell = Sre(gateway_url, platform.bootstrap_servers, tmp_path)
    missing = shell.run("ctl", "status")
    assert missing.returncode == 2
    assert "switchboard login" in missing.stderr


def readme_sre_session() -> str:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    return next(block for block in blocks if "switchboard login" in block)


def test_the_readme_sre_session_runs_as_printed(
    platform: Stack, gateway_url: str, platform_owner: Owner, owner_token: str, tmp_path: Path
) -> None:
    script = readme_sre_session().replace("owner@switchboard.local", platform_owner.email)
    env = {
        **Sre(gateway_url, platform.bootstrap_servers, tmp_path).env,
        "KAFKA_BOOTSTRAP_SERVERS": platform.bootstrap_servers,
        "SWITCHBOARD_PASSWORD": platform_owner.password,
    }
    try:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            input="y\n",  # the shutdown's confirmation
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=Path(__file__).parents[2],
        )
        assert done.returncode == 0, done.stderr
        assert "platform now maintenance" in done.stdout
        assert "platform now running" in done.stdout
    finally:
        command(gateway_url, owner_token, "restart_system", "the README session is over")
