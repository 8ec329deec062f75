"""How `switchboard` prints: rich tables for people, plain JSON for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console


def console() -> Console:
    """Made at the call, so it writes to whatever standard output is then (tests capture it)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def print_json(document: Any) -> None:
    print(json.dumps(document, indent=2, sort_keys=True, default=str))
