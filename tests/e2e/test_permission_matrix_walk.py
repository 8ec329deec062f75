"""Every role against every guarded route of the running platform, cell by cell, through the
gateway: the permission matrix says allowed or denied, and the route must agree (OWASP API5)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import httpx
import pytest
from permission_routes import (
    HARMLESS_WRITES,
    PUBLIC,
    Call,
    Route,
    allowed,
    classification_problems,
    collect_routes,
    fill,
    plain_path,
    walk_call,
)

from switchboard_deploy.services import SERVICES
from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import bearer, login, unique_id
from switchboard_shared.auth.roles import PLATFORM_ROLES, TENANT_ROLES, Role

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
PASSES_THE_GUARD = {200, 201, 202, 204, 400, 404, 409, 422}
CONCURRENCY = 12
R = Role


@dataclass(frozen=True)
class Cast:
    """One signed-in account per role: tenant roles in tenant A, platform roles in none."""

    tenant_a: str
    tenant_b: str
    emails: dict[Role, str]
    tokens: dict[Role, str]

    def fresh_token(self, gateway_url: str, role: Role) -> str:
        """A second session, for the cells that end the session they are called with."""
        return login(gateway_url, self.emails[role], PASSWORD)


def _created(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _account(
    gateway_url: str,
    owner_token: str,
    role: Role,
    tenant_id: str | None,
    locations: list[str] | None = None,
) -> str:
    """A new account with this role (limited to these locations); its e-mail."""
    email = f"{unique_id(str(role))}@example.test"
    where = f"/api/tenants/{tenant_id}/users" if tenant_id else "/api/platform/users"
    account: dict[str, object] = {"email": email, "password": PASSWORD, "role": str(role)}
    if locations is not None:
        account["locations"] = locations
    _created(httpx.post(gateway_url + where, json=account, headers=bearer(owner_token)))
    return email


@pytest.fixture(scope="module")
def cast(gateway_url: str, owner_token: str) -> Cast:
    def tenant() -> str:
        return _created(
            httpx.post(
                f"{gateway_url}/api/tenants",
                json={"name": unique_id("walk")},
                headers=bearer(owner_token),
            )
        )

    tenant_a, tenant_b = tenant(), tenant()
    emails = {role: _account(gateway_url, owner_token, role, tenant_a) for role in TENANT_ROLES}
    emails |= {role: _account(gateway_url, owner_token, role, None) for role in PLATFORM_ROLES}
    tokens = {role: login(gateway_url, email, PASSWORD) for role, email in emails.items()}
    return Cast(tenant_a, tenant_b, emails, tokens)


@pytest.fixture(scope="module")
def routes() -> list[Route]:
    return collect_routes()


@pytest.fixture
async def client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=15, limits=limits) as http:
        yield http


async def send(http: httpx.AsyncClient, call: Call, token: str | None) -> httpx.Response:
    return await http.request(
        call.method,
        call.path,
        params=call.params,
        json=call.body,
        headers=bearer(token) if token else {},
    )


def verdict(response: httpx.Response, expect_allowed: bool, may_change: bool) -> str | None:
    """None when the answer fits; otherwise what was wrong with it. A write that succeeded
    means the walk changed the platform, which it must not (unless it has to, like logout)."""
    status = response.status_code
    if expect_allowed:
        writes = response.request.method != "GET" and 200 <= status < 300
        if writes and not may_change:
            return f"the walk's write succeeded ({status}); it must stop after the guard"
        if status in PASSES_THE_GUARD:
            return None
        return f"expected to pass the guard, got {status} {response.text[:100]}"
    if status != 403:
        return f"expected 403, got {status} {response.text[:100]}"
    if _error_code(response) != "forbidden":
        return f"403 without the JSON error body: {response.text[:120]!r}"
    return None


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


@dataclass(frozen=True)
class Cell:
    label: str
    role: Role
    call: Call
    expect_allowed: bool
    token: str | None = None
    """The role's shared token unless this cell needs its own session (it may end it)."""
    may_change: bool = False
    """The route's write is harmless when it succeeds (listed in HARMLESS_WRITES)."""


async def walk(http: httpx.AsyncClient, cast: Cast, cells: Iterable[Cell]) -> list[str]:
    """Every cell's request, a few at a time; the table of cells that did not fit."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(cell: Cell) -> str | None:
        async with gate:
            response = await send(http, cell.call, cell.token or cast.tokens[cell.role])
        problem = verdict(response, cell.expect_allowed, cell.token is not None or cell.may_change)
        return f"{cell.label:<58} {cell.role:<20} {problem}" if problem else None

    found = await asyncio.gather(*(one(cell) for cell in cells))
    return [line for line in found if line]


def mismatch_table(title: str, lines: list[str], total: int) -> str:
    return f"{title}: {len(lines)} of {total} cells do not match\n" + "\n".join(lines)


def test_every_route_is_public_or_declares_the_permissions_it_needs(routes: list[Route]) -> None:
    assert {r.service for r in routes} == {s.name for s in SERVICES}
    problems = classification_problems(routes)
    assert not problems, "\n".join(problems)


async def test_the_collected_routes_are_every_route_the_running_services_document(
    platform: Stack, routes: list[Route]
) -> None:
    collected = {(r.service, r.method, r.path) for r in routes}
    missing = []
    async with httpx.AsyncClient(timeout=10) as http:
        for spec in SERVICES:
            document = await http.get(platform.url(spec.name) + "/schema/openapi.json")
            assert document.status_code == 200, document.text
            for path, operations in document.json()["paths"].items():
                for method in operations:
                    key = (spec.name, method.upper(), plain_path(path))
                    if method.upper() != "OPTIONS" and key not in collected:
                        missing.append(key)
    assert not missing, missing


async def test_every_non_public_route_refuses_a_caller_without_a_token(
    client: httpx.AsyncClient, cast: Cast, routes: list[Route]
) -> None:
    problems = []
    for route in routes:
        if route.key in PUBLIC:
            continue
        response = await send(client, walk_call(route, cast.tenant_a), None)
        if response.status_code != 401 or _error_code(response) is None:
            problems.append(f"{route.method} {route.path}: {response.status_code}")
    assert not problems, "\n".join(problems)


# Logging out ends the session of the token it is called with: those cells get their own.
ENDS_THE_SESSION = {("POST", "/api/auth/logout")}


def matrix_cells(routes: list[Route], cast: Cast, gateway_url: str) -> list[Cell]:
    return [
        Cell(
            f"{route.method} {route.path}",
            role,
            walk_call(route, cast.tenant_a),
            allowed(route, role),
            cast.fresh_token(gateway_url, role) if route.key in ENDS_THE_SESSION else None,
            route.key in HARMLESS_WRITES,
        )
        for route in routes
        if route.key not in PUBLIC
        for role in Role
    ]


async def test_every_role_on_every_guarded_route_gets_what_the_matrix_says(
    gateway_url: str, client: httpx.AsyncClient, cast: Cast, routes: list[Route]
) -> None:
    cells = matrix_cells(routes, cast, gateway_url)
    problems = await walk(client, cast, cells)
    denied = sum(1 for c in cells if not c.expect_allowed)
    print(f"\nmatrix walk: {len(cells)} cells, {denied} denied, {len(cells) - denied} allowed")
    assert not problems, mismatch_table("permission matrix", problems, len(cells))


@dataclass(frozen=True)
class SeedAction:
    """One action of a seed, the route that does it, and who may: written from the seeds."""

    action: str
    method: str
    path: str
    allowed: frozenset[Role]
    denied: frozenset[Role]


def seed(action: str, route: str, allowed: set[Role], denied: set[Role]) -> SeedAction:
    method, path = route.split(" ", 1)
    return SeedAction(action, method, path, frozenset(allowed), frozenset(denied))


CUSTOMERS = {R.OWNER, R.ADMIN, R.OPERATOR, R.VIEWER}
WRITING_CUSTOMERS = {R.OWNER, R.ADMIN, R.OPERATOR}
LEAD = R.IMPLEMENTATION_LEAD

# Seed 001's matrix: "Customer" is every tenant role, except that seed 000 makes the viewer
# read-only; "Implementation Lead" is the implementation_lead platform role.
SEED_001 = [
    seed("view own locations", "GET /api/locations", CUSTOMERS | {LEAD}, set()),
    seed("view own onboarding", "GET /api/onboarding/{location_id}", CUSTOMERS | {LEAD}, set()),
    seed(
        "edit own onboarding (unlocked)",
        "PATCH /api/onboarding/{location_id}",
        WRITING_CUSTOMERS | {LEAD},
        {R.VIEWER},
    ),
    seed(
        "override locked onboarding",
        "POST /api/onboarding/{location_id}/override",
        {LEAD},
        CUSTOMERS,
    ),
    seed(
        "submit onboarding",
        "POST /api/onboarding/{location_id}/submit",
        WRITING_CUSTOMERS | {LEAD},
        {R.VIEWER},
    ),
    seed("approve requests", "POST /api/approvals/{location_id}", {LEAD}, CUSTOMERS),
    seed("approve requests in bulk", "POST /api/bulk/approvals", {LEAD}, CUSTOMERS),
    seed("view provisioning", "GET /api/provisioning/{location_id}", {LEAD}, CUSTOMERS),
    seed(
        "trigger provisioning",
        "POST /api/provisioning/{location_id}/complete",
        {LEAD},
        CUSTOMERS,
    ),
    seed("trigger provisioning in bulk", "POST /api/bulk/provisioning", {LEAD}, CUSTOMERS),
    # Seed 000 lets the owner read the audit log; seed 001 denies it to the other customers.
    seed("view audit logs", "GET /api/audit", {LEAD, R.OWNER}, CUSTOMERS - {R.OWNER}),
]

# Seed 000's role table: owner (all operations, system controls), admin (user management,
# configuration, reports), operator (day-to-day operations), viewer (read-only). The owner of
# the whole platform, who may pause it, is the super admin (a tenant owner may not).
SEED_000 = [
    seed(
        "owner: system controls (status)",
        "GET /api/system/status",
        {R.OWNER, R.SUPER_ADMIN},
        {R.ADMIN, R.OPERATOR, R.VIEWER},
    ),
    seed(
        "platform owner: privileged commands",
        "POST /api/owner/command",
        {R.SUPER_ADMIN},
        CUSTOMERS | {LEAD},
    ),
    seed(
        "admin: user management (create)",
        "POST /api/tenants/{tenant_id}/users",
        {R.OWNER, R.ADMIN, R.SUPER_ADMIN},
        {R.OPERATOR, R.VIEWER},
    ),
    seed(
        "admin: user management (change)",
        "PATCH /api/tenants/{tenant_id}/users/{user_id}",
        {R.OWNER, R.ADMIN, R.SUPER_ADMIN},
        {R.OPERATOR, R.VIEWER},
    ),
    seed(
        "admin: user management (invite)",
        "POST /api/tenants/{tenant_id}/invitations",
        {R.OWNER, R.ADMIN, R.SUPER_ADMIN},
        {R.OPERATOR, R.VIEWER},
    ),
    seed(
        "admin: configuration (webhook tokens)",
        "POST /api/tenants/{tenant_id}/webhook-tokens",
        {R.OWNER, R.ADMIN},
        {R.OPERATOR, R.VIEWER},
    ),
    seed(
        "admin: configuration (provider secrets)",
        "PUT /api/tenants/{tenant_id}/providers/{provider}",
        {R.OWNER, R.ADMIN},
        {R.OPERATOR, R.VIEWER},
    ),
    seed("admin: reports", "GET /api/admin/calls", {R.OWNER, R.ADMIN}, {R.OPERATOR, R.VIEWER}),
    seed("operator: day-to-day operations", "GET /api/calls", CUSTOMERS, set()),
    seed("viewer: read-only dashboards", "GET /api/calls/library", CUSTOMERS, set()),
    seed("viewer: read-only (no new locations)", "POST /api/locations", {R.ADMIN}, {R.VIEWER}),
]


def seed_cells(actions: list[SeedAction], cast: Cast) -> list[Cell]:
    cells = []
    for action in actions:
        route = Route("seed", action.method, action.path, None)
        for role in sorted(action.allowed | action.denied):
            call = walk_call(route, cast.tenant_a)
            cells.append(Cell(action.action, role, call, role in action.allowed))
    return cells


async def test_the_seed_role_tables_hold_on_the_real_routes(
    client: httpx.AsyncClient, cast: Cast, routes: list[Route]
) -> None:
    actions = SEED_001 + SEED_000
    known = {r.key for r in routes}
    assert not [a.action for a in actions if (a.method, a.path) not in known]
    cells = seed_cells(actions, cast)
    problems = await walk(client, cast, cells)
    print(f"\nseed tables: {len(actions)} actions, {len(cells)} cells")
    assert not problems, mismatch_table("seed 000/001 tables", problems, len(cells))


# Valid bodies, so that the answer is about the tenant and not about the body.
CROSS_TENANT_BODIES: dict[tuple[str, str], object] = {
    ("PATCH", "/api/tenants/{tenant_id}"): {"mfa_required": False},
    ("POST", "/api/tenants/{tenant_id}/users"): {
        "email": "stranger@example.test",
        "password": PASSWORD,
        "role": "viewer",
    },
    ("PATCH", "/api/tenants/{tenant_id}/users/{user_id}"): {"disabled": False},
    ("POST", "/api/tenants/{tenant_id}/invitations"): {
        "email": "stranger@example.test",
        "role": "viewer",
    },
    ("POST", "/api/tenants/{tenant_id}/webhook-tokens"): {"provider": "standard"},
    ("PUT", "/api/tenants/{tenant_id}/providers/{provider}"): {"secrets": {"secret": "x" * 32}},
}


async def test_a_tenant_admin_gets_404_on_every_route_of_another_tenant(
    client: httpx.AsyncClient, cast: Cast, routes: list[Route]
) -> None:
    tenant_routes = [r for r in routes if "tenant_id" in r.parameters]
    assert tenant_routes
    problems = []
    for route in tenant_routes:
        body = CROSS_TENANT_BODIES.get(route.key)
        path = fill(route.path, cast.tenant_b, {"provider": "standard"})
        response = await send(client, Call(route.method, path, body=body), cast.tokens[R.ADMIN])
        if response.status_code != 404 or _error_code(response) is None:
            problems.append(f"{route.method} {route.path}: {response.status_code}")
    print(f"\ncross-tenant: {len(tenant_routes)} routes")
    assert not problems, "\n".join(problems)


async def test_seed_001_customers_see_and_edit_their_own_locations_and_leads_any(
    gateway_url: str, owner_token: str, client: httpx.AsyncClient, cast: Cast
) -> None:
    """The two seed 001 rows that are about whose location, not which action."""

    async def new_location() -> str:
        created = await client.post(
            "/api/locations", json={"name": unique_id("site")}, headers=bearer(cast.tokens[R.ADMIN])
        )
        assert created.status_code == 201, created.text
        return str(created.json()["location_id"])

    own, other = await new_location(), await new_location()
    limited = _account(gateway_url, owner_token, R.OPERATOR, cast.tenant_a, locations=[own])
    stranger = _account(gateway_url, owner_token, R.OPERATOR, cast.tenant_b)
    customer = login(gateway_url, limited, PASSWORD)
    outsider = login(gateway_url, stranger, PASSWORD)
    lead = cast.tokens[LEAD]

    async def status(method: str, location: str, token: str) -> int:
        body = {"account_name": unique_id("account")} if method == "PATCH" else None
        call = Call(method, f"/api/onboarding/{location}", body=body)
        return (await send(client, call, token)).status_code

    listed = await client.get("/api/locations", headers=bearer(customer))
    assert [item["location_id"] for item in listed.json()["items"]] == [own]
    answers = {
        "customer views own": await status("GET", own, customer),
        "customer views another": await status("GET", other, customer),
        "other tenant views": await status("GET", own, outsider),
        "lead views any": await status("GET", other, lead),
        "customer edits own": await status("PATCH", own, customer),
        "customer edits another": await status("PATCH", other, customer),
        "other tenant edits": await status("PATCH", own, outsider),
        "lead edits any": await status("PATCH", other, lead),
    }
    assert answers == {
        "customer views own": 200,
        "customer views another": 404,
        "other tenant views": 404,
        "lead views any": 200,
        "customer edits own": 200,
        "customer edits another": 404,
        "other tenant edits": 404,
        "lead edits any": 200,
    }
