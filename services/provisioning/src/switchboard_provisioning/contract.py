"""Writes the payload's JSON Schema next to the bus contract: `python -m
switchboard_provisioning.contract [folder]` (default `docs/contract`). Never edit the file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from switchboard_provisioning.payload import payload_schema

SCHEMA_FILE = "provisioning-payload.schema.json"


def schema_text() -> str:
    return json.dumps(payload_schema(), indent=2, sort_keys=True) + "\n"


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SCHEMA_FILE
    target.write_text(schema_text())
    return target


if __name__ == "__main__":
    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/contract")))
