"""HTTP controllers: each verifies the bearer token itself and reads inside the caller's tenant
scope, so another tenant's call simply does not exist (404, never 403)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery

from switchboard_call_store.dead_letters import REDRIVABLE, list_dead_letters, replay_dead_letters
from switchboard_call_store.handlers import utc_now
from switchboard_call_store.queries import parse_call_query
from switchboard_call_store.reader import CallReader
from switchboard_call_store.report import Period, call_figures
from switchboard_call_store.transcripts import TranscriptDocument, render_txt
from switchboard_call_store.views import call_view, library_item, transcript_view
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission, Role
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.dead_letter_view import visible_letter
from switchboard_shared.errors import BadRequest, NotFound
from switchboard_shared.runtime import Runtime
from switchboard_shared.topics import Topic

AnyRequest = Request[Any, Any, Any]


def reader_of(request: AnyRequest) -> CallReader:
    reader: CallReader = request.app.state.call_reader
    return reader


def query_params(request: AnyRequest) -> dict[str, str]:
    return {key: str(request.query_params.get(key)) for key in request.query_params}


def unmasked(principal: Principal) -> bool:
    return principal.can(Permission.PHONE_NUMBERS_UNMASKED)


async def _page_of_calls(request: AnyRequest, principal: Principal) -> tuple[dict[str, Any], str]:
    """One page of the calls the query asks for within the caller's scope, and that scope."""
    query = parse_call_query(query_params(request))
    scope = principal.tenant_scope(query.tenant_id)
    page = await reader_of(request).list_calls(scope, query)
    items = [call_view(row, unmasked=unmasked(principal)) for row in page.items]
    return {"items": items, "next_cursor": page.next_cursor}, scope


class CallController(Controller):
    path = "/api/calls"
    guards = [requires(Permission.CALLS_READ)]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/")
    async def list_calls(
        self, request: AnyRequest, principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        page, _ = await _page_of_calls(request, principal)
        return page

    @get("/library")
    async def library(
        self, request: AnyRequest, principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        scope = principal.tenant_scope(request.query_params.get("tenant_id"))
        found = await reader_of(request).library(scope, utc_now())
        lists = {
            name: [library_item(row) for row in found[name]] for name in ("best", "worst", "recent")
        }
        return {**lists, "avg_score": found["avg_score"]}

    @get("/{ref:str}")
    async def get_call(
        self, request: AnyRequest, principal: NamedDependency[Principal], ref: FromPath[str]
    ) -> dict[str, Any]:
        row = await reader_of(request).find_call(principal.tenant_scope(), ref)
        if row is None:
            raise NotFound("no such call")
        return call_view(row, unmasked=unmasked(principal))

    @get("/{ref:str}/transcript")
    async def transcript(
        self, request: AnyRequest, principal: NamedDependency[Principal], ref: FromPath[str]
    ) -> Response[Any]:
        output = request.query_params.get("format", "json")
        if output not in ("json", "txt"):
            raise BadRequest("format must be json or txt", code="invalid_filter")
        found = await reader_of(request).transcript(principal.tenant_scope(), ref)
        if found is None:
            raise NotFound("no such call")
        view = transcript_view(*found, unmasked=unmasked(principal))
        if output == "json":
            return Response(view)
        return Response(
            render_txt(_document(view)),
            media_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": f'inline; filename="transcript_{view["id"]}.txt"'},
        )


def _document(view: dict[str, Any]) -> TranscriptDocument:
    meta = view["metadata"]
    return TranscriptDocument(
        call_id=view["call_id"],
        started_at=meta["started_at"],
        duration_sec=meta["duration_sec"],
        lang=view["lang"],
        engine=view["engine"],
        text=view["text"],
        segments=view["segments"],
    )


class AdminCallController(Controller):
    """Seed 004's admin view: the super admin sees every tenant, a tenant admin only theirs,
    and the answer says which."""

    path = "/api/admin/calls"
    guards = [requires(Permission.CALLS_ADMIN_VIEW)]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/")
    async def list_calls(
        self, request: AnyRequest, principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        page, scope = await _page_of_calls(request, principal)
        return {
            **page,
            "is_super_admin": principal.role is Role.SUPER_ADMIN,
            "filtered_by_tenants": None if scope == ALL_TENANTS else [scope],
        }

    @get("/report")
    async def report(
        self,
        request: AnyRequest,
        principal: NamedDependency[Principal],
        start: FromQuery[datetime],
        end: FromQuery[datetime],
        tenant_id: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """The calls stored in [start, end): counts, durations, billable minutes, QA."""
        scope = principal.tenant_scope(tenant_id)
        period = Period.of(_utc(start), _utc(end))
        return await call_figures(_runtime(request).pool, scope, period, tenant_id)


class DeadLetterController(Controller):
    """Redrive for the call and lead dead letters (`?topic=calls|leads`, calls by default)."""

    path = "/api/admin/calls/dlq"
    guards = [requires(Permission.DEAD_LETTERS_MANAGE)]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/")
    async def list_letters(
        self, request: AnyRequest, principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        topic = _redrivable(request)
        letters = await list_dead_letters(_runtime(request).settings.kafka_bootstrap_servers, topic)
        return {
            "topic": topic.dlq,
            "items": [visible_letter(letter.describe(), principal) for letter in letters],
        }

    @post("/replay", status_code=200)
    async def replay(
        self, request: AnyRequest, principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        topic = _redrivable(request)
        runtime = _runtime(request)
        letters = await replay_dead_letters(
            runtime.settings.kafka_bootstrap_servers,
            runtime.bus,
            topic,
            group_id=request.app.state.dlq_replay_group,
        )
        await _audit_replay(runtime, principal, topic, len(letters))
        return {"topic": topic.name, "replayed": len(letters)}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _runtime(request: AnyRequest) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _redrivable(request: AnyRequest) -> Topic:
    name = request.query_params.get("topic", "calls")
    if name not in REDRIVABLE:
        raise BadRequest("topic must be calls or leads", code="invalid_filter")
    return REDRIVABLE[name]


async def _audit_replay(runtime: Runtime, principal: Principal, topic: Topic, count: int) -> None:
    await runtime.audit.record(
        "dead_letters.replay", actor=principal, resource=topic.dlq, params={"replayed": count}
    )
