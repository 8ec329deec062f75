"""Rotating the checkpoint key: the new key signs, the old one stays listed and verifying."""

from __future__ import annotations

import pytest
from audit_private_log import HEADERS, PrivateLog, drafts

from switchboard_audit.rotate_key import rotate
from switchboard_shared.signed_note import open_note, parse_vkey

pytestmark = pytest.mark.integration


async def test_after_a_rotation_new_checkpoints_use_the_new_key_and_old_ones_still_verify(
    log: PrivateLog,
):
    old_note = (await log.client.get("/api/audit/checkpoint", headers=HEADERS)).text
    new_vkey = await rotate(log.settings)
    await log.store.append(drafts(100, 2))
    new_note = (await log.checkpoint())["note"]
    listed = (await log.client.get("/api/audit/public-keys", headers=HEADERS)).json()["keys"]
    assert [k["vkey"] for k in listed][-1] == new_vkey
    assert listed[0]["retired_at"] is not None
    assert listed[1]["retired_at"] is None
    old_key, new_key = (parse_vkey(k["vkey"]) for k in listed)
    assert open_note(new_note, [new_key, old_key])[1] == [new_key]
    assert open_note(old_note, [new_key, old_key])[1] == [old_key]
    report = await log.verify(full=True)
    assert report["valid"] is True, report
