"""The transcript as a person reads it: seed 004's plain-text layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

RULE = "================"
NO_TRANSCRIPT = "No transcript available"


@dataclass(frozen=True)
class TranscriptDocument:
    call_id: str
    started_at: datetime | None
    duration_sec: float | None
    lang: str | None
    engine: str | None
    text: str | None
    segments: Sequence[dict[str, Any]]


def clock(seconds: float) -> str:
    """`m:ss`, as the seed shows durations and segment times."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def render_txt(doc: TranscriptDocument) -> str:
    header = [
        "CALL TRANSCRIPT",
        RULE,
        f"Call ID: {doc.call_id}",
        f"Date: {_date(doc.started_at)}",
        f"Duration: {clock(doc.duration_sec) if doc.duration_sec is not None else 'Unknown'}",
        f"Language: {doc.lang or 'en'}",
        f"Engine: {doc.engine or 'Unknown'}",
        "",
        RULE,
        "",
        "",
    ]
    return "\n".join(header) + _body(doc)


def _date(started_at: datetime | None) -> str:
    return started_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if started_at else "Unknown"


def _body(doc: TranscriptDocument) -> str:
    if not doc.segments:
        return doc.text or NO_TRANSCRIPT
    return "".join(_segment(segment) for segment in doc.segments)


def _segment(segment: dict[str, Any]) -> str:
    speaker = segment.get("speaker") or "Speaker Unknown"
    start = segment.get("start")
    label = f"{speaker} [{clock(start)}]" if start is not None else speaker
    return f"{label}:\n{segment.get('text') or ''}\n\n"
