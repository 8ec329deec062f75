"""C2SP signed-note with Ed25519: key ids, verifier keys (vkeys), signing and opening notes.

A note is text ending in a newline, a blank line, then lines `— <key name> base64(key id ||
signature)`. Opening a note ignores signatures of unknown keys, refuses a note whose known
signature fails, and refuses a note that no known key signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "
MAX_SIGNATURES = 16
KEY_ID_BYTES = 4


class NoteError(ValueError):
    """A malformed note or vkey, or a note no trusted key signed."""


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:KEY_ID_BYTES]


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class NoteVerifier:
    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verifies(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


def parse_vkey(vkey: str) -> NoteVerifier:
    name, _, rest = vkey.partition("+")
    hex_id, _, encoded = rest.partition("+")
    try:
        material = base64.b64decode(encoded, validate=True)
        expected_id = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError) as error:
        raise NoteError("malformed verifier key") from error
    if not _valid_name(name) or len(hex_id) != 2 * KEY_ID_BYTES:
        raise NoteError("malformed verifier key")
    if material[:1] != ED25519 or len(material) != 33:
        raise NoteError("only Ed25519 verifier keys are supported")
    verifier = NoteVerifier(name, material[1:])
    if verifier.key_id != expected_id:
        raise NoteError("the verifier key's id does not match its name and key")
    return verifier


@dataclass(frozen=True)
class NoteSigner:
    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        if not _valid_name(self.name):
            raise NoteError(f"invalid key name {self.name!r}")

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, raw_public(self.private_key.public_key()))

    def signature_line(self, text: str) -> str:
        signature = self.private_key.sign(text.encode())
        encoded = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{SIGNATURE_PREFIX}{self.name} {encoded}\n"


def sign_note(text: str, signers: Iterable[NoteSigner]) -> str:
    _check_text(text)
    lines = [signer.signature_line(text) for signer in signers]
    if not lines:
        raise NoteError("a note needs at least one signature")
    return text + "\n" + "".join(lines)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The note text (final newline included) and its signatures, without checking them."""
    if not note.endswith("\n"):
        raise NoteError("a note ends with a newline")
    text, separator, block = note[:-1].rpartition("\n\n")
    if not separator:
        raise NoteError("a note has a blank line before its signatures")
    signatures = [_signature(line) for line in block.split("\n")]
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError("too many signatures")
    text += "\n"
    _check_text(text)
    return text, signatures


def _signature(line: str) -> Signature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError("malformed signature line")
    name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise NoteError("malformed signature") from error
    if not _valid_name(name) or len(raw) <= KEY_ID_BYTES:
        raise NoteError("malformed signature line")
    return Signature(name, raw[:KEY_ID_BYTES], raw[KEY_ID_BYTES:])


def _check_text(text: str) -> None:
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must end in a newline and hold no control characters")


def open_note(note: str, verifiers: Iterable[NoteVerifier]) -> tuple[str, list[NoteVerifier]]:
    """The text and the known keys that signed it; NoteError unless it is trustworthy."""
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    signed_by: list[NoteVerifier] = []
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verifies(text.encode(), signature.signature):
            raise NoteError(f"the signature of {signature.name} does not verify")
        signed_by.append(verifier)
    if not signed_by:
        raise NoteError("no trusted key signed this note")
    return text, signed_by
