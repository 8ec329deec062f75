"""Signed notes and checkpoints, against the examples published with the C2SP specifications."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from switchboard_shared.merkle import leaf_hash
from switchboard_shared.signed_note import (
    NoteError,
    NoteSigner,
    key_id,
    open_note,
    parse_vkey,
    sign_note,
    split_note,
)
from switchboard_shared.tlog_checkpoint import Checkpoint, CheckpointError, parse_checkpoint

SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3m"
    "FXmRKuwHjG1Yu72IneyaQM=\n"
)
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def test_the_published_verifier_key_parses_and_its_id_is_recomputed() -> None:
    verifier = parse_vkey(SPEC_VKEY)
    assert verifier.name == "example.com/foo"
    assert key_id(verifier.name, verifier.public_key).hex() == "530d903a"
    assert verifier.vkey == SPEC_VKEY


def test_the_published_note_opens_with_the_published_key() -> None:
    text, signers = open_note(SPEC_NOTE, [parse_vkey(SPEC_VKEY)])
    assert text == "This is an example message.\n"
    assert [s.name for s in signers] == ["example.com/foo"]


def test_the_published_note_with_one_changed_character_is_refused() -> None:
    with pytest.raises(NoteError, match="does not verify"):
        open_note(SPEC_NOTE.replace("example message", "example massage"), [parse_vkey(SPEC_VKEY)])


def test_a_note_signed_only_by_an_unknown_key_is_refused() -> None:
    stranger = NoteSigner("example.com/foo", Ed25519PrivateKey.generate())
    forged = sign_note("This is an example message.\n", [stranger])
    with pytest.raises(NoteError, match="no trusted key"):
        open_note(forged, [parse_vkey(SPEC_VKEY)])


def test_unknown_signatures_are_ignored_next_to_a_known_one() -> None:
    ours = NoteSigner("log.example/audit", Ed25519PrivateKey.generate())
    witness = NoteSigner("witness.example", Ed25519PrivateKey.generate())
    note = sign_note("hello\n", [witness, ours])
    assert open_note(note, [ours.verifier])[1] == [ours.verifier]
    assert len(split_note(note)[1]) == 2


def test_a_vkey_whose_id_does_not_match_is_refused() -> None:
    with pytest.raises(NoteError, match="id does not match"):
        parse_vkey(SPEC_VKEY.replace("530d903a", "530d903b"))


@pytest.mark.parametrize(
    "vkey",
    ["", "name", "na me+530d903a+AQ==", "example.com/foo+530d903a+!!", "a+00+AekyeRrm56hA"],
)
def test_malformed_vkeys_are_refused(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_vkey(vkey)


@pytest.mark.parametrize(
    "note",
    [
        "no newline at the end",
        "text\n\u2014 name c2lnbmF0dXJl\n",
        "text\n\nnot a signature line\n",
        "text\n\n\u2014 name !!!\n",
        "te\x07xt\n\n\u2014 name AAAAAAAAAA==\n",
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        split_note(note)


def test_the_published_checkpoint_text_round_trips() -> None:
    checkpoint = parse_checkpoint(SPEC_CHECKPOINT)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text() == SPEC_CHECKPOINT


def test_a_signed_checkpoint_opens_back_into_the_same_checkpoint() -> None:
    signer = NoteSigner("log.example/audit", Ed25519PrivateKey.generate())
    checkpoint = Checkpoint("log.example/audit", 3, leaf_hash(b"x"))
    text, _ = open_note(sign_note(checkpoint.text(), [signer]), [signer.verifier])
    assert parse_checkpoint(text) == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        "origin\n12\n",
        "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n12\nnot base64\n",
        "origin\n12\nAAAA\n",
        "origin\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        "\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)
