"""The plain-text transcript keeps seed 004's layout."""

from __future__ import annotations

from datetime import UTC, datetime

from switchboard_call_store.transcripts import TranscriptDocument, clock, render_txt

STARTED = datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC)


def document(**fields: object) -> TranscriptDocument:
    values: dict[str, object] = {
        "call_id": "call-42",
        "started_at": STARTED,
        "duration_sec": 125,
        "lang": "en",
        "engine": "vapi",
        "text": None,
        "segments": [],
    }
    return TranscriptDocument(**{**values, **fields})  # type: ignore[arg-type]


def test_the_header_names_the_call_date_duration_language_and_engine() -> None:
    text = render_txt(document(text="hello"))
    assert text.splitlines()[:9] == [
        "CALL TRANSCRIPT",
        "================",
        "Call ID: call-42",
        "Date: 2026-03-01 12:30:05 UTC",
        "Duration: 2:05",
        "Language: en",
        "Engine: vapi",
        "",
        "================",
    ]


def test_segments_are_written_as_speaker_time_then_text() -> None:
    segments = [
        {"speaker": "Agent", "start": 0.0, "text": "Thanks for calling."},
        {"speaker": "Customer", "start": 65.4, "text": "I need an appointment."},
    ]
    body = render_txt(document(segments=segments)).split("================\n\n", 2)[-1]
    assert (
        body == "Agent [0:00]:\nThanks for calling.\n\nCustomer [1:05]:\nI need an appointment.\n\n"
    )


def test_without_segments_the_plain_text_is_the_body() -> None:
    assert render_txt(document(text="just words")).endswith("================\n\njust words")


def test_unknown_values_read_unknown_and_an_empty_transcript_says_so() -> None:
    text = render_txt(document(started_at=None, duration_sec=None, lang=None, engine=None))
    assert "Date: Unknown\nDuration: Unknown\nLanguage: en\nEngine: Unknown" in text
    assert text.endswith("No transcript available")


def test_clock_rounds_to_whole_seconds() -> None:
    assert (clock(0), clock(59.6), clock(600)) == ("0:00", "1:00", "10:00")
