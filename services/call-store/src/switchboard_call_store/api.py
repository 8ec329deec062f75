"""HTTP controllers: each verifies the bearer token itself and reads inside the caller's tenant
scope, so another tenant's call simply does not exist (404, never 403)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import Provide

from switchboard_call_store.handlers import utc_now
from switchboard_call_store.queries import parse_call_query
from switchboard_call_store.reader import CallReader
from switchboard_call_store.transcripts import TranscriptDocument, render_txt
from switchboard_call_store.views import call_view, library_item, transcript_view
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission, Role
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.errors import BadRequest, NotFound

AnyRequest = Request[Any, Any, Any]


def reader_of(request: AnyRequest) -> CallReader:
    reader: CallReader = request.app.state.call_reader
    return reader


def query_params(request: AnyRequest) -> dict[str, str]:
    return {key: str(request.query_params.get(key)) for key in request.query_params}


def unmasked(principal: Principal) -> bool:
    return principal.can(Permission.PHONE_NUMBERS_UNMASKED)


class CallController(Controller):
    path = "/api/calls"
    guards = [requires(Permission.CALLS_READ)]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/")
    async def list_calls(self, request: AnyRequest, principal: Principal) -> dict[str, Any]:
        query = parse_call_query(query_params(request))
        scope = principal.tenant_scope(query.tenant_id)
        page = await reader_of(request).list_calls(scope, query)
        items = [call_view(row, unmasked=unmasked(principal)) for row in page.items]
        return {"items": items, "next_cursor": page.next_cursor}

    @get("/library")
    async def library(self, request: AnyRequest, principal: Principal) -> dict[str, Any]:
        scope = principal.tenant_scope(request.query_params.get("tenant_id"))
        found = await reader_of(request).library(scope, utc_now())
        lists = {
            name: [library_item(row) for row in found[name]] for name in ("best", "worst", "recent")
        }
        return {**lists, "avg_score": found["avg_score"]}

    @get("/{ref:str}")
    async def get_call(self, request: AnyRequest, principal: Principal, ref: str) -> dict[str, Any]:
        row = await reader_of(request).find_call(principal.tenant_scope(), ref)
        if row is None:
            raise NotFound("no such call")
        return call_view(row, unmasked=unmasked(principal))

    @get("/{ref:str}/transcript")
    async def transcript(
        self, request: AnyRequest, principal: Principal, ref: str
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
    async def list_calls(self, request: AnyRequest, principal: Principal) -> dict[str, Any]:
        query = parse_call_query(query_params(request))
        scope = principal.tenant_scope(query.tenant_id)
        page = await reader_of(request).list_calls(scope, query)
        return {
            "items": [call_view(row, unmasked=unmasked(principal)) for row in page.items],
            "next_cursor": page.next_cursor,
            "is_super_admin": principal.role is Role.SUPER_ADMIN,
            "filtered_by_tenants": None if scope == ALL_TENANTS else [scope],
        }
