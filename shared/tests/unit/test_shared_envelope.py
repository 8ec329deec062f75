from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased

from switchboard_shared.bus import EventBus, create_broker
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.events import Heartbeat, OperatingMode


def test_envelope_survives_a_round_trip_through_kafka_headers() -> None:
    envelope = Envelope(
        type="switchboard.call.v1",
        source="switchboard/test",
        tenant_id="t1",
        actor="u1",
        correlation_id="c1",
    )
    headers = {k: v.encode() for k, v in envelope.to_headers().items()}
    assert Envelope.from_headers(headers) == envelope


def test_envelope_headers_carry_the_cloudevents_attributes() -> None:
    headers = Envelope(type="x", source="y").to_headers()
    assert {"ce_id", "ce_type", "ce_source", "ce_time", "ce_specversion"} <= headers.keys()
    assert headers["ce_specversion"] == "1.0"
    assert "ce_tenantid" not in headers


def test_keys_put_tenant_and_entity_together() -> None:
    assert event_key("t1", "call-9") == b"t1:call-9"


def test_a_prepared_event_keeps_the_trace_it_was_prepared_in() -> None:
    tracer = TracerProvider(sampler=ParentBased(ALWAYS_OFF)).get_tracer("test")
    bus = EventBus(create_broker("127.0.0.1:9", client_id="t", enable_idempotence=False), "t")
    event = Heartbeat(service="t", instance="i", ready=True, mode=OperatingMode.RUNNING)

    with tracer.start_as_current_span("request") as span:
        inside = bus.prepare("topic", event, key=b"k")
    outside = bus.prepare("topic", event, key=b"k")

    trace_id = format(span.get_span_context().trace_id, "032x")
    assert inside.trace["traceparent"].split("-")[1] == trace_id
    assert "traceparent" not in outside.trace
    assert inside.envelope.type == event.ce_type
