"""Masking of phone numbers and e-mail addresses, for logs, audit entries and viewers."""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
PHONE = re.compile(r"(?<![\w-])\+?\d[\d\s().-]{6,}\d(?![\w-])")


def mask_email(value: str) -> str:
    return EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", value)


def mask_phone_number(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return value
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_text(value: str) -> str:
    """Masks every e-mail address and phone-like run of digits in free text."""
    return PHONE.sub(lambda m: mask_phone_number(m.group(0)), mask_email(value))


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


MASKED = "[masked]"
TRANSCRIPT_KEYS = frozenset(
    {"transcript", "transcripts", "transcription", "transcript_text", "segments", "utterances"}
)


def mask_record(value: Any) -> Any:
    """A record as shown to someone who may not read call content: transcript text withheld,
    e-mail addresses and phone numbers masked everywhere else."""
    if isinstance(value, dict):
        return {
            k: MASKED if k.lower() in TRANSCRIPT_KEYS and v else mask_record(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_record(v) for v in value]
    return mask_value(value)
