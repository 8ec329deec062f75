from switchboard_shared.envelope import Envelope, event_key


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
