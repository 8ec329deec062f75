"""Field history down to the item and attribute that changed."""

from __future__ import annotations

from switchboard_onboarding.changes import field_changes, merge
from switchboard_onboarding.example import example_form


def paths(before: dict[str, object], after: dict[str, object]) -> list[tuple[str, object, object]]:
    return [(c.field, c.old, c.new) for c in field_changes(before, after)]


def test_a_patch_merges_fields_and_null_clears_one() -> None:
    merged = merge({"account_name": "A", "call_flow": {"type": "direct"}}, {"call_flow": None})

    assert merged == {"account_name": "A"}


def test_only_changed_fields_are_named_with_old_and_new_values() -> None:
    assert paths({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == [("b", 2, 3), ("c", None, 4)]


def test_a_changed_device_attribute_is_named_by_the_device_not_the_list() -> None:
    before = example_form()
    after = example_form()
    after["devices"][1]["mac_address"] = "00:15:5D:01:01:09"

    assert paths(before, after) == [
        ("devices[id=phone-2].mac_address", "00:15:5D:01:01:02", "00:15:5D:01:01:09")
    ]


def test_added_and_removed_items_are_one_change_each() -> None:
    before = example_form()
    after = example_form()
    removed = after["devices"].pop(0)
    after["working_hours"]["days"].append({"day": "wed", "closed": True})

    assert paths(before, after) == [
        ("devices[id=phone-1]", removed, None),
        ("working_hours.days[day=wed]", None, {"day": "wed", "closed": True}),
    ]


def test_items_without_a_distinct_key_are_matched_by_position() -> None:
    before = {"notes_list": [{"text": "a"}, {"text": "b"}]}
    after = {"notes_list": [{"text": "a"}, {"text": "c"}]}

    assert paths(before, after) == [("notes_list[1].text", "b", "c")]
