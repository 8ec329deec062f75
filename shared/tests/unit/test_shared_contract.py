import json
from pathlib import Path

from switchboard_shared.contract import TOPIC_EVENTS, asyncapi_document, event_json_schemas
from switchboard_shared.events import ALL_EVENTS
from switchboard_shared.topics import ALL_TOPICS

CONTRACT = Path(__file__).parents[3] / "docs" / "contract"


def test_every_topic_names_its_event_model() -> None:
    assert set(TOPIC_EVENTS) == set(ALL_TOPICS)
    assert set(TOPIC_EVENTS.values()) == set(ALL_EVENTS)


def test_the_canonical_call_event_schema_requires_the_call_id_and_kind() -> None:
    schema = event_json_schemas()["switchboard.call.v1"]
    assert {"call_id", "event", "provider", "occurred_at"} <= set(schema["required"])


def test_the_committed_contract_documents_are_the_generated_ones() -> None:
    """The documents in docs/contract are generated (`switchboard contract`), never edited."""
    assert json.loads((CONTRACT / "asyncapi.json").read_text()) == asyncapi_document()
    assert json.loads((CONTRACT / "events.schema.json").read_text()) == event_json_schemas()
