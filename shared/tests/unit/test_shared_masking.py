from switchboard_shared.masking import mask_email, mask_phone_number, mask_text, mask_value


def test_masks_an_email_address_keeping_its_first_letter_and_domain() -> None:
    assert mask_email("alice.johnson@example.com") == "a***@example.com"


def test_masks_a_phone_number_keeping_its_last_four_digits() -> None:
    assert mask_phone_number("+1-555-010-1234") == "*******1234"


def test_masks_phone_numbers_and_emails_inside_free_text() -> None:
    text = mask_text("call +1 (555) 010-1234 or write bob@example.org")
    assert "555" not in text
    assert "bob@" not in text
    assert text.endswith("b***@example.org")


def test_leaves_short_numbers_and_ids_alone() -> None:
    assert mask_text("retry 3 of 5, call_id abc-123") == "retry 3 of 5, call_id abc-123"


def test_masks_nested_values() -> None:
    masked = mask_value({"to": ["x@example.com"], "n": 3, "p": {"phone": "+15550101234"}})
    assert masked == {"to": ["x***@example.com"], "n": 3, "p": {"phone": "*******1234"}}
