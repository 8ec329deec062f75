"""Fixtures of the audit service's integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from audit_private_log import PrivateLog, private_log


@pytest.fixture
async def log(infrastructure: Any) -> AsyncIterator[PrivateLog]:
    async for private in private_log(infrastructure):
        yield private
