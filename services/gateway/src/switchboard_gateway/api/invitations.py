"""`/api/tenants/{tid}/invitations` and `/api/invitations/accept`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from switchboard_gateway.api.dependencies import PRINCIPAL
from switchboard_gateway.api.responses import Account, Invitations, InvitationView, answers
from switchboard_gateway.api.schemas import InvitationAccept, InvitationCreate, user_view
from switchboard_gateway.invitation_store import Invitation
from switchboard_gateway.invitations import InvitationService
from switchboard_shared.auth.guards import requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission


def _invitations(state: State) -> InvitationService:
    return state.invitations  # type: ignore[no-any-return]


INVITATIONS = {"invitations": Provide(_invitations, sync_to_thread=False)}


def invitation_view(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "tenant_id": invitation.tenant_id,
        "email": invitation.email,
        "role": str(invitation.role),
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
    }


class TenantInvitationController(Controller):
    path = "/api/tenants/{tenant_id:str}/invitations"
    guards = [requires(Permission.INVITATIONS_CREATE)]
    dependencies = {**INVITATIONS, **PRINCIPAL}

    @post("/", status_code=201, responses=answers(201, InvitationView))
    async def invite(
        self,
        tenant_id: FromPath[str],
        data: JSONBody[InvitationCreate],
        principal: NamedDependency[Principal],
        invitations: NamedDependency[InvitationService],
    ) -> dict[str, Any]:
        invitation = await invitations.invite(principal, tenant_id, data.email, data.role)
        return invitation_view(invitation)

    @get("/", responses=answers(200, Invitations))
    async def pending(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        invitations: NamedDependency[InvitationService],
    ) -> dict[str, Any]:
        found = await invitations.pending(principal, tenant_id)
        return {"items": [invitation_view(i) for i in found]}


class InvitationAcceptController(Controller):
    path = "/api/invitations/accept"
    dependencies = INVITATIONS

    @post("/", status_code=201, responses=answers(201, Account))
    async def accept(
        self, data: JSONBody[InvitationAccept], invitations: NamedDependency[InvitationService]
    ) -> dict[str, Any]:
        return user_view(await invitations.accept(data.token, data.password))
