"""The call routes: tenant scope, masking, pagination, transcripts, library and the admin view."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import CallStoreHarness, call_event
from switchboard_deploy.testing import eventually, unique_id

pytestmark = pytest.mark.integration

PHONE = "+15551234567"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


async def stored_calls(
    harness: CallStoreHarness, tenant: str, count: int, **fields: Any
) -> list[dict[str, Any]]:
    events = [
        call_event(started_at=T0 + timedelta(minutes=i), phone_number=PHONE, **fields)
        for i in range(count)
    ]
    for event in events:
        await harness.publish(event, tenant_id=tenant)

    call_ids = [e.call_id for e in events]

    async def all_there() -> list[dict[str, Any]]:
        rows = await harness.rows(
            "SELECT * FROM calls WHERE tenant_id = %s AND call_id = ANY(%s) "
            "ORDER BY sort_at DESC, id DESC",
            tenant,
            call_ids,
        )
        return rows if len(rows) == count else []

    return await eventually(all_there)


async def test_an_operator_sees_only_their_tenants_calls_with_full_numbers(
    call_store: CallStoreHarness,
) -> None:
    mine, other = unique_id("tenant"), unique_id("tenant")
    await stored_calls(call_store, other, 1)
    rows = await stored_calls(call_store, mine, 2)
    response = await call_store.client.get(
        "/api/calls", headers=call_store.headers("operator", mine)
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert {i["id"] for i in items} == {str(r["id"]) for r in rows}
    assert {i["tenant_id"] for i in items} == {mine}
    assert items[0]["phone_number"] == PHONE


async def test_a_viewer_sees_phone_numbers_masked(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    rows = await stored_calls(call_store, tenant, 1)
    headers = call_store.headers("viewer", tenant)
    listed = (await call_store.client.get("/api/calls", headers=headers)).json()["items"]
    single = (await call_store.client.get(f"/api/calls/{rows[0]['id']}", headers=headers)).json()
    assert listed[0]["phone_number"] == single["phone_number"] == "*******4567"


async def test_another_tenants_call_is_not_found(call_store: CallStoreHarness) -> None:
    tenant, intruder = unique_id("tenant"), unique_id("tenant")
    rows = await stored_calls(call_store, tenant, 1)
    headers = call_store.headers("owner", intruder)
    for path in (
        f"/api/calls/{rows[0]['id']}",
        f"/api/calls/{rows[0]['call_id']}",
        f"/api/calls/{rows[0]['id']}/transcript",
    ):
        response = await call_store.client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    own = await call_store.client.get(
        f"/api/calls/{rows[0]['id']}", headers=call_store.headers("owner", tenant)
    )
    assert own.status_code == 200


async def test_a_call_is_found_by_its_provider_call_id(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    rows = await stored_calls(call_store, tenant, 1)
    response = await call_store.client.get(
        f"/api/calls/{rows[0]['call_id']}", headers=call_store.headers("viewer", tenant)
    )
    assert response.json()["id"] == str(rows[0]["id"])


async def test_the_cursor_walks_every_call_once_newest_first(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    rows = await stored_calls(call_store, tenant, 5)
    headers = call_store.headers("viewer", tenant)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = (await call_store.client.get("/api/calls", headers=headers, params=params)).json()
        seen += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(r["id"]) for r in rows]
    assert pages == 3


async def test_filters_narrow_the_list(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    await stored_calls(call_store, tenant, 2, agent_name="Ana", disposition="Completed")
    await stored_calls(call_store, tenant, 3, agent_name="Bo", disposition="Busy")
    headers = call_store.headers("viewer", tenant)

    async def count(**params: str) -> int:
        return len(
            (await call_store.client.get("/api/calls", headers=headers, params=params)).json()[
                "items"
            ]
        )

    assert await count(agent="ana") == 2
    assert await count(disposition="BUSY") == 3
    assert await count(since=(T0 + timedelta(minutes=1)).isoformat()) == 1 + 2
    assert await count(until=(T0 + timedelta(minutes=1)).isoformat()) == 1 + 1


@pytest.mark.parametrize(
    "params", [{"limit": "500"}, {"since": "soon"}, {"cursor": "###"}, {"limit": "-1"}]
)
async def test_bad_filter_values_are_a_400(
    call_store: CallStoreHarness, params: dict[str, str]
) -> None:
    response = await call_store.client.get(
        "/api/calls", headers=call_store.headers("viewer", unique_id("t")), params=params
    )
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_filter", "invalid_cursor"}


async def test_without_a_token_the_answer_is_401_and_platform_roles_without_call_rights_403(
    call_store: CallStoreHarness,
) -> None:
    assert (await call_store.client.get("/api/calls")).status_code == 401
    for role in ("sre", "implementation_lead"):
        response = await call_store.client.get("/api/calls", headers=call_store.headers(role, None))
        assert response.status_code == 403, role


async def test_the_transcript_comes_as_json_and_as_seed_text(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    segments = [
        {"speaker": "Agent", "start": 0.0, "end": 2.0, "text": "Hello, how can I help?"},
        {"speaker": "Customer", "start": 62.0, "end": 64.0, "text": f"Call me at {PHONE}"},
    ]
    rows = await stored_calls(
        call_store, tenant, 1, segments=segments, transcript="full", duration_sec=125
    )
    await eventually(
        lambda: call_store.rows("SELECT 1 FROM transcripts WHERE call_pk = %s", rows[0]["id"])
    )
    path = f"/api/calls/{rows[0]['id']}/transcript"
    operator = call_store.headers("operator", tenant)
    as_json = (await call_store.client.get(path, headers=operator)).json()
    assert [s["text"] for s in as_json["segments"]] == [s["text"] for s in segments]
    as_text = await call_store.client.get(path, headers=operator, params={"format": "txt"})
    assert as_text.headers["content-type"].startswith("text/plain")
    assert f"Call ID: {rows[0]['call_id']}\n" in as_text.text
    assert "Duration: 2:05\n" in as_text.text
    assert "Customer [1:02]:\nCall me at " + PHONE in as_text.text
    masked = await call_store.client.get(
        path, headers=call_store.headers("viewer", tenant), params={"format": "txt"}
    )
    assert PHONE not in masked.text
    assert "4567" in masked.text
    bad = await call_store.client.get(path, headers=operator, params={"format": "pdf"})
    assert bad.status_code == 400


async def test_the_library_shows_best_worst_recent_and_the_average_score(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    best = await stored_calls(
        call_store, tenant, 1, disposition="Completed", duration_sec=120, qa_score=90
    )
    await stored_calls(call_store, tenant, 2, disposition="No Answer", duration_sec=5, qa_score=30)
    rows = await call_store.rows("SELECT * FROM calls WHERE tenant_id = %s", tenant)
    failed = {str(r["id"]) for r in rows if r["disposition"] == "No Answer"}
    body = (
        await call_store.client.get(
            "/api/calls/library", headers=call_store.headers("viewer", tenant)
        )
    ).json()
    assert [i["id"] for i in body["best"]] == [str(best[0]["id"])]
    assert {i["id"] for i in body["worst"]} == failed
    assert len(body["recent"]) == 3
    assert body["avg_score"] == pytest.approx((90 + 30 + 30) / 3)
    other = (
        await call_store.client.get(
            "/api/calls/library", headers=call_store.headers("viewer", unique_id("t"))
        )
    ).json()
    assert (other["best"], other["worst"], other["recent"], other["avg_score"]) == (
        [],
        [],
        [],
        None,
    )


async def test_the_super_admin_sees_every_tenant_and_a_tenant_admin_only_theirs(
    call_store: CallStoreHarness,
) -> None:
    first, second = unique_id("tenant"), unique_id("tenant")
    shared_campaign = unique_id("campaign")
    await stored_calls(call_store, first, 1, campaign=shared_campaign)
    await stored_calls(call_store, second, 1, campaign=shared_campaign)
    call_id_first = (
        await call_store.rows("SELECT call_id FROM calls WHERE tenant_id = %s", first)
    )[0]["call_id"]
    call_id_second = (
        await call_store.rows("SELECT call_id FROM calls WHERE tenant_id = %s", second)
    )[0]["call_id"]

    super_admin = await call_store.client.get(
        "/api/admin/calls", headers=call_store.headers("super_admin", None), params={"limit": "200"}
    )
    body = super_admin.json()
    assert body["is_super_admin"] is True
    assert body["filtered_by_tenants"] is None
    assert len(body["items"]) >= 2

    for tenant, call_id in ((first, call_id_first), (second, call_id_second)):
        scoped = await call_store.client.get(
            "/api/admin/calls",
            headers=call_store.headers("super_admin", None),
            params={"call_id": call_id},
        )
        assert [i["tenant_id"] for i in scoped.json()["items"]] == [tenant]

    admin = (
        await call_store.client.get("/api/admin/calls", headers=call_store.headers("admin", first))
    ).json()
    assert admin["is_super_admin"] is False
    assert admin["filtered_by_tenants"] == [first]
    assert {i["tenant_id"] for i in admin["items"]} == {first}
    elsewhere = await call_store.client.get(
        "/api/admin/calls", headers=call_store.headers("admin", first), params={"tenant_id": second}
    )
    assert elsewhere.status_code == 404
    viewer = await call_store.client.get(
        "/api/admin/calls", headers=call_store.headers("viewer", first)
    )
    assert viewer.status_code == 403


async def test_an_unknown_call_is_a_404(call_store: CallStoreHarness) -> None:
    response = await call_store.client.get(
        f"/api/calls/{uuid.uuid4()}", headers=call_store.headers("owner", unique_id("t"))
    )
    assert response.status_code == 404
