"""The checks before submission: every problem at once, each with its field path and code."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard_onboarding import checks
from switchboard_onboarding.example import example_form
from switchboard_onboarding.form_rules import TenantRules
from switchboard_shared.problems import FieldsInvalid

RULES = TenantRules(extension_min=1000, extension_max=1999)


def problems(form: dict[str, Any], rules: TenantRules = RULES) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in checks.submission_problems(form, rules)]


def test_the_example_form_passes_every_check() -> None:
    assert problems(example_form()) == []


def test_a_malformed_mac_is_named_by_its_path() -> None:
    form = example_form()
    form["devices"][1]["mac_address"] = "00:15:5D:01:01"

    assert problems(form) == [("devices[1].mac_address", "invalid_mac")]


def test_duplicate_macs_within_the_location_and_across_the_tenant_are_both_refused() -> None:
    form = example_form()
    form["devices"][1]["mac_address"] = "00-15-5d-01-01-01"
    elsewhere = TenantRules(1000, 1999, macs_elsewhere=frozenset({"00:15:5D:01:01:01"}))

    assert problems(form, elsewhere) == [
        ("devices[1].mac_address", "duplicate_mac"),
        ("devices[0].mac_address", "mac_in_use"),
        ("devices[1].mac_address", "mac_in_use"),
    ]


def test_extensions_must_be_unique_and_in_the_tenants_range() -> None:
    form = example_form()
    form["users"][1]["extension"] = "1001"
    form["users"][2]["extension"] = "2500"

    assert problems(form) == [
        ("users[1].extension", "duplicate_extension"),
        ("users[2].extension", "extension_out_of_range"),
        ("call_flow.options[2].target.ref", "unknown_target"),
    ]


def test_a_device_must_be_assigned_to_a_user_who_exists() -> None:
    form = example_form()
    form["devices"][0]["user_id"] = "nobody"

    assert problems(form) == [("devices[0].user_id", "unknown_user")]


def test_a_user_without_a_device_is_fine() -> None:
    form = example_form()
    form["devices"] = form["devices"][:1]

    assert problems(form) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            {"day": "mon", "open": "17:00", "close": "09:00"},
            ("days[0].close", "closes_before_open"),
        ),
        ({"day": "mon", "open": "09:00"}, ("days[0]", "hours_missing")),
        ({"day": "mon", "closed": True, "open": "09:00"}, ("days[0]", "closed_with_hours")),
        ({"day": "mon", "open": "25:00", "close": "18:00"}, ("days[0].open", "invalid_time")),
    ],
)
def test_working_hours_must_make_sense(day: dict[str, Any], expected: tuple[str, str]) -> None:
    form = example_form()
    form["working_hours"]["days"][0] = day

    assert problems(form) == [(f"working_hours.{expected[0]}", expected[1])]


def test_duplicate_days_and_holidays_that_are_not_dates_are_refused() -> None:
    form = example_form()
    form["working_hours"]["days"][1]["day"] = "mon"
    duplicate_days = problems(form)
    form["working_hours"]["holidays"] = [{"date": "next christmas"}]

    assert duplicate_days == [("working_hours.days[1].day", "duplicate_day")]
    assert problems(form)[0] == ("working_hours.holidays[0].date", "date_from_datetime_parsing")


def test_ivr_options_point_at_existing_targets_and_a_direct_flow_needs_a_destination() -> None:
    form = example_form()
    form["call_flow"]["options"][0]["target"]["ref"] = "billing"
    ivr = problems(form)
    form["call_flow"] = {"type": "direct"}

    assert ivr == [("call_flow.options[0].target.ref", "unknown_target")]
    assert problems(form) == [("call_flow.destination", "required")]


def test_numbers_are_in_e164() -> None:
    form = example_form()
    form["contacts"]["primary"]["phone"] = "555-0101"
    form["phone_system"]["numbers_to_port"][0]["number"] = "+0123"

    assert problems(form) == [
        ("contacts.primary.phone", "invalid_e164"),
        ("phone_system.numbers_to_port[0].number", "invalid_e164"),
    ]


def test_every_missing_section_is_listed_at_once() -> None:
    assert problems({"account_name": "Acme", "devices": []}) == [
        ("address", "required"),
        ("contacts", "required"),
        ("phone_system", "required"),
        ("users", "required"),
        ("devices", "required"),
        ("working_hours", "required"),
        ("call_flow", "required"),
    ]


def test_an_edit_with_a_value_of_the_wrong_shape_raises_every_problem() -> None:
    with pytest.raises(FieldsInvalid) as caught:
        checks.canonical({"favourite_colour": "blue", "users": [{"id": "x"}]})

    paths = {p.path for p in caught.value.problems}
    assert {"favourite_colour", "users[0].name", "users[0].extension"} <= paths
    assert caught.value.status_code == 422
