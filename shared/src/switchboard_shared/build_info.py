"""What a replica reports of its own build: the package version and the source commit."""

from __future__ import annotations

import os
from importlib import metadata


def package_version(package: str) -> str:
    """The installed version of a service package (`switchboard_call_store`, say)."""
    try:
        return metadata.version(package.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "unknown"


def build_commit() -> str | None:
    """The commit the replica was built from, as the deployment names it (`BUILD_COMMIT`)."""
    return os.environ.get("BUILD_COMMIT") or None
