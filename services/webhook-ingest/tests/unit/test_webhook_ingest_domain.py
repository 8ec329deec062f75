"""Tokens, event identity, dedup keys and sealed secrets: the rules that need no I/O."""

from __future__ import annotations

import base64

import pytest

from switchboard_shared.errors import NotFound
from switchboard_webhook_ingest.domain import (
    Provider,
    event_id,
    new_token,
    provider_named,
    token_hash,
    webhook_url,
)
from switchboard_webhook_ingest.ingest import stored_key
from switchboard_webhook_ingest.secretbox import SecretBox, SecretBoxError


def test_a_token_is_32_random_url_safe_bytes() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=")) == 32


def test_the_webhook_url_is_the_public_base_plus_provider_and_token() -> None:
    url = webhook_url("https://api.example.test/", Provider.CONVOSO_CALLS, "tok")
    assert url == "https://api.example.test/api/webhooks/convoso-calls?token=tok"


def test_a_token_hash_is_its_sha256() -> None:
    assert token_hash("abc").hex().startswith("ba7816bf")


def test_an_unknown_provider_is_not_found() -> None:
    with pytest.raises(NotFound):
        provider_named("fax")


def test_the_event_id_is_the_same_for_the_same_delivery_and_differs_across_tenants() -> None:
    first = event_id("t1", Provider.VAPI, "call:ended:1")
    assert first == event_id("t1", Provider.VAPI, "call:ended:1")
    assert first != event_id("t2", Provider.VAPI, "call:ended:1")
    assert first != event_id("t1", Provider.RETELL, "call:ended:1")


def test_a_short_printable_dedup_key_is_kept_and_others_are_hashed() -> None:
    assert stored_key("CA1:completed") == "CA1:completed"
    assert stored_key("x" * 500).startswith("sha256:")
    assert stored_key("a\x00b").startswith("sha256:")
    assert stored_key("x" * 500) != stored_key("x" * 501)


def box() -> SecretBox:
    return SecretBox(b"a-secrets-key-of-at-least-32-bytes!!")


def test_sealed_secrets_open_to_the_same_list() -> None:
    sealed = box().seal(["new", "old"], tenant_id="t1", provider="vapi")
    assert b"new" not in sealed
    assert box().open(sealed, tenant_id="t1", provider="vapi") == ["new", "old"]


def test_sealing_twice_gives_different_ciphertexts() -> None:
    assert box().seal(["s"], tenant_id="t", provider="p") != box().seal(
        ["s"], tenant_id="t", provider="p"
    )


def test_sealed_secrets_moved_to_another_tenant_do_not_open() -> None:
    sealed = box().seal(["s"], tenant_id="t1", provider="vapi")
    with pytest.raises(SecretBoxError):
        box().open(sealed, tenant_id="t2", provider="vapi")


def test_sealed_secrets_do_not_open_with_another_key() -> None:
    sealed = box().seal(["s"], tenant_id="t1", provider="vapi")
    other = SecretBox(b"another-secrets-key-of-32-bytes-or-more")
    with pytest.raises(SecretBoxError):
        other.open(sealed, tenant_id="t1", provider="vapi")


def test_a_tampered_sealed_value_does_not_open() -> None:
    sealed = bytearray(box().seal(["s"], tenant_id="t1", provider="vapi"))
    sealed[-1] ^= 1
    with pytest.raises(SecretBoxError):
        box().open(bytes(sealed), tenant_id="t1", provider="vapi")
