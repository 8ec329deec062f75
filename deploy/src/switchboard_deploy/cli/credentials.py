"""Where `switchboard login` keeps the access token, readable by its owner alone."""

from __future__ import annotations

import os
from pathlib import Path

from switchboard_deploy.cli.failures import NoToken

TOKEN_VARIABLE = "SWITCHBOARD_TOKEN"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def config_directory() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "switchboard"


def token_path() -> Path:
    return config_directory() / "token"


def save_token(token: str) -> Path:
    """Written to a new file of mode 0600 and moved into place: never readable by others,
    not even for a moment, and never half written."""
    directory = config_directory()
    directory.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    directory.chmod(DIRECTORY_MODE)  # the folder is switchboard's own: nobody else lists it
    path = token_path()
    partial = path.with_name(f".token.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # also when a stale partial file was left behind
        os.write(descriptor, token.encode())
    finally:
        os.close(descriptor)
    os.replace(partial, path)
    return path


def forget_token() -> bool:
    try:
        token_path().unlink()
    except FileNotFoundError:
        return False
    return True


def stored_token() -> str | None:
    try:
        token = token_path().read_text().strip()
    except FileNotFoundError:
        return None
    return token or None


def current_token() -> str:
    """SWITCHBOARD_TOKEN when set (a script's own token), else the stored sign-in."""
    token = os.environ.get(TOKEN_VARIABLE) or stored_token()
    if not token:
        raise NoToken(
            f"no token: run `switchboard login`, or set {TOKEN_VARIABLE} to an access token"
        )
    return token
