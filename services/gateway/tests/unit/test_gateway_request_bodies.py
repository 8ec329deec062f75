"""Request bodies refuse what PostgreSQL could not store, before any query runs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from switchboard_gateway.api.schemas import LoginRequest, TenantCreate


def test_a_nul_character_in_a_body_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="NUL"):
        LoginRequest(email="a\x00@example.test", password="long-enough-password")
    with pytest.raises(ValidationError, match="NUL"):
        TenantCreate(name="acme\x00")


def test_ordinary_text_passes() -> None:
    assert TenantCreate(name="Zahnarzt Müller").name == "Zahnarzt Müller"
