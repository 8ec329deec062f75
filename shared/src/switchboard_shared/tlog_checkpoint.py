"""C2SP tlog-checkpoint: the note text `<origin>\\n<tree size>\\n<base64 root hash>\\n`."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from switchboard_shared.merkle import HASH_BYTES


class CheckpointError(ValueError):
    """Text that is not a checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise CheckpointError("a checkpoint is at least three non-empty lines")
    origin, size_text, root_text = lines[:3]
    if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
        raise CheckpointError("the tree size is a decimal without leading zeroes")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as error:
        raise CheckpointError("the root hash is not base64") from error
    if len(root) != HASH_BYTES:
        raise CheckpointError(f"the root hash is {HASH_BYTES} bytes")
    return Checkpoint(origin, int(size_text), root)
