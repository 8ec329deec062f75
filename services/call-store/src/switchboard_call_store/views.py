"""How calls look to the caller: JSON-ready, phone numbers masked for those who may not see them."""

from __future__ import annotations

from typing import Any

from switchboard_call_store.reader import Row
from switchboard_shared.masking import mask_phone_number, mask_text

HIDDEN = ("sort_at",)
LIBRARY_FIELDS = (
    "id", "tenant_id", "call_id", "started_at", "duration_sec", "disposition", "campaign",
    "qa_score", "summary",
)  # fmt: skip


def call_view(row: Row, *, unmasked: bool) -> dict[str, Any]:
    view = {k: v for k, v in row.items() if k not in HIDDEN}
    if not unmasked and view.get("phone_number"):
        view["phone_number"] = mask_phone_number(view["phone_number"])
    return view


def library_item(row: Row) -> dict[str, Any]:
    return {**{k: row[k] for k in LIBRARY_FIELDS}, "agent": row["agent_name"]}


def transcript_view(call: Row, transcript: Row | None, *, unmasked: bool) -> dict[str, Any]:
    text = transcript["text"] if transcript else None
    segments: list[dict[str, Any]] = list(transcript["segments"]) if transcript else []
    if not unmasked:
        text = mask_text(text) if text else text
        segments = [{**s, "text": mask_text(s.get("text") or "")} for s in segments]
    return {
        "id": call["id"],
        "call_id": call["call_id"],
        "lang": transcript["lang"] if transcript else "en",
        "engine": transcript["engine"] if transcript else call["provider"],
        "text": text,
        "segments": segments,
        "metadata": {
            "started_at": call["started_at"],
            "duration_sec": call["duration_sec"],
            "agent_name": call["agent_name"],
            "customer_phone": call_view(call, unmasked=unmasked)["phone_number"],
        },
    }
