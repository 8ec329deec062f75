"""The gateway against its own OpenAPI document: generated requests to every route it serves
itself (forwarded routes are not in the document) never give a 500 or an answer outside the
schema."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from gateway_harness import gateway_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from switchboard_deploy.ports import free_port
from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, mint_token
from switchboard_gateway.app import build_app

pytestmark = pytest.mark.integration

OWN_ROUTES = r"^/(api/(auth|tenants|platform|invitations|monitoring)|\.well-known|health|ready)"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


@pytest.fixture(scope="module")
def gateway_url(infrastructure: Stack, platform_owner: Owner) -> Iterator[str]:
    """The gateway served by uvicorn in a thread of its own, as a client meets it."""
    port = free_port()
    app = build_app(gateway_settings(infrastructure, platform_owner))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _wait_until_ready(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the gateway did not become ready")


def _check_operation(
    operation: Any, mode: GenerationMode, gateway_url: str, statuses: Counter[int]
) -> str | None:
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        token = mint_token(role="super_admin", tenant_id=None)  # fresh: a case may log it out
        response = case.call_and_validate(
            base_url=gateway_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )
        statuses[response.status_code] += 1

    try:
        run()
    except Unsatisfiable:  # nothing in the operation can be made invalid (no body, any string)
        return None
    except Exception as error:
        return f"{operation.label} ({mode.value}): {str(error)[:1500]}"
    return None


def test_generated_requests_get_no_server_error_and_answers_inside_the_schema(
    gateway_url: str,
) -> None:
    schema = schemathesis.openapi.from_url(f"{gateway_url}/schema/openapi.json")
    operations = [
        result.ok() for result in schema.include(path_regex=OWN_ROUTES).get_all_operations()
    ]
    statuses: Counter[int] = Counter()
    failures = [
        failure
        for operation in operations
        for mode in EXAMPLES
        if (failure := _check_operation(operation, mode, gateway_url, statuses))
    ]
    print(f"{len(operations)} operations, answers by status: {sorted(statuses.items())}")
    assert len(operations) >= 20, [operation.label for operation in operations]
    assert not failures, "\n\n".join(failures)
    assert {200, 201, 204, 400, 404} <= set(statuses), statuses  # the cases reach the handlers
