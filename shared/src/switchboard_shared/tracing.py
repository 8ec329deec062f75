"""OpenTelemetry tracing; the bus middleware carries the context in Kafka headers (traceparent).

Without an exporter, spans are not recorded (cheap), yet trace ids are still made, logged and
propagated in headers, so requests can be followed across services in the logs.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased


def configure_tracing(service: str, otlp_endpoint: str | None) -> TracerProvider:
    resource = Resource.create({"service.name": service})
    if not otlp_endpoint:
        provider = TracerProvider(resource=resource, sampler=ParentBased(ALWAYS_OFF))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider = TracerProvider(resource=resource)
        exporter = OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider
