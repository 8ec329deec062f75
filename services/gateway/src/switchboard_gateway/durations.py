"""Durations written the way operators write them: `15m`, `24h`, `30d`, `90s` or `3600`."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Seconds in `text`; a bare number is seconds. Raises ValueError for anything else."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"not a duration: {text!r} (use forms like 15m, 24h, 30d or 3600)")
    return int(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
