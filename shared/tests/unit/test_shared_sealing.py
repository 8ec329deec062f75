import pytest

from switchboard_shared.sealing import Sealer, SealError

KEY = b"a-secrets-key-of-at-least-32-bytes!!"


def test_a_sealed_value_opens_with_the_same_key_purpose_and_context() -> None:
    sealer = Sealer(KEY, b"purpose")
    assert sealer.open(sealer.seal(b"secret", b"tenant-1"), b"tenant-1") == b"secret"


def test_sealing_twice_never_gives_the_same_bytes() -> None:
    sealer = Sealer(KEY, b"purpose")
    assert sealer.seal(b"secret", b"c") != sealer.seal(b"secret", b"c")


@pytest.mark.parametrize(
    ("key", "purpose", "context"),
    [
        (KEY, b"purpose", b"tenant-2"),
        (KEY, b"other", b"tenant-1"),
        (b"x" * 32, b"purpose", b"tenant-1"),
    ],
)
def test_another_context_purpose_or_key_cannot_open_it(
    key: bytes, purpose: bytes, context: bytes
) -> None:
    sealed = Sealer(KEY, b"purpose").seal(b"secret", b"tenant-1")
    with pytest.raises(SealError):
        Sealer(key, purpose).open(sealed, context)
