"""Every route says where each of its parameters comes from: Litestar infers and warns of none."""

from __future__ import annotations

from switchboard_command_control.app import build_app
from switchboard_command_control.settings import CommandControlSettings
from switchboard_deploy.testing import deprecations_raised_by


def test_building_the_app_raises_no_deprecation_warning() -> None:
    settings = CommandControlSettings(
        database_url="postgresql://nobody@127.0.0.1:1/nothing",
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    assert deprecations_raised_by(lambda: build_app(settings)) == []
