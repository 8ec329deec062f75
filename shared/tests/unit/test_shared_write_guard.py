"""The write guard and the outage mapping, on a small app built the way every service's is."""

from __future__ import annotations

import psycopg
import pytest
from aiokafka.errors import KafkaConnectionError
from litestar import Litestar, get, post
from litestar.datastructures import State
from litestar.testing import TestClient
from psycopg_pool import PoolTimeout

from switchboard_shared.errors import EXCEPTION_HANDLERS
from switchboard_shared.events import ControlState, OperatingMode
from switchboard_shared.maintenance import MaintenanceState
from switchboard_shared.write_guard import open_in_maintenance, write_guard


@get("/things", sync_to_thread=False)
def list_things() -> list[str]:
    return ["a"]


@post("/things", status_code=201, sync_to_thread=False)
def create_thing() -> dict[str, str]:
    return {"id": "a"}


@post("/sign-in", status_code=200, sync_to_thread=False, opt=open_in_maintenance("signing in"))
def sign_in() -> dict[str, str]:
    return {"token": "t"}


@get("/database-down", sync_to_thread=False)
def database_down() -> None:
    raise psycopg.OperationalError("connection refused")


@get("/pool-exhausted", sync_to_thread=False)
def pool_exhausted() -> None:
    raise PoolTimeout("no connection within 30 s")


@get("/broker-down", sync_to_thread=False)
def broker_down() -> None:
    raise KafkaConnectionError("no broker")


@get("/unstorable", sync_to_thread=False)
def unstorable() -> None:
    raise psycopg.DataError("NUL character")


def client(mode: OperatingMode) -> TestClient[Litestar]:
    maintenance = MaintenanceState()
    maintenance.current = ControlState(mode=mode, reason="test")
    app = Litestar(
        [
            list_things,
            create_thing,
            sign_in,
            database_down,
            pool_exhausted,
            broker_down,
            unstorable,
        ],
        guards=[write_guard],
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"maintenance": maintenance}),
    )
    return TestClient(app)


@pytest.mark.parametrize("mode", [OperatingMode.MAINTENANCE, OperatingMode.READ_ONLY])
def test_a_write_is_refused_with_the_mode_while_reads_go_on(mode: OperatingMode) -> None:
    with client(mode) as http:
        refused = http.post("/things")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "30"
        body = refused.json()
        assert body["error"] == "maintenance"
        assert body["maintenance"] is True
        assert body["mode"] == mode.value
        assert http.get("/things").status_code == 200


def test_a_route_open_in_maintenance_keeps_working() -> None:
    with client(OperatingMode.MAINTENANCE) as http:
        assert http.post("/sign-in").status_code == 200


def test_writes_go_through_while_the_platform_runs() -> None:
    with client(OperatingMode.RUNNING) as http:
        assert http.post("/things").status_code == 201


@pytest.mark.parametrize("path", ["/database-down", "/pool-exhausted", "/broker-down"])
def test_an_unreachable_database_or_broker_is_a_503_to_retry(path: str) -> None:
    with client(OperatingMode.RUNNING) as http:
        answer = http.get(path)
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "5"
        assert answer.json()["error"] == "unavailable"


def test_a_value_the_database_cannot_store_is_the_callers_error() -> None:
    with client(OperatingMode.RUNNING) as http:
        answer = http.get("/unstorable")
        assert answer.status_code == 400
        assert answer.json()["error"] == "bad_request"
