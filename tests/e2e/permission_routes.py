"""Every HTTP route of every service, read from the apps the services build, with its guard.

A route is public (no token at all), signed-in (any valid token; what it shows depends on the
caller), checked inside its handler (listed with the reason), or guarded by the permissions its
`requires(...)` guard declares. The tables here say which routes are meant to be public or
signed-in; anything else must declare its permissions.
"""

from __future__ import annotations

import importlib
import inspect
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar

from switchboard_deploy.services import SERVICES
from switchboard_gateway.api.forwarding import FORWARDED_PATHS
from switchboard_shared.auth.roles import PLATFORM_ROLES, Permission, Role, can
from switchboard_shared.settings import ServiceSettings

IGNORED_METHODS = {"OPTIONS", "HEAD"}
DOCS_PREFIX = "/schema"

PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/health"): "liveness",
    ("GET", "/ready"): "readiness",
    ("GET", "/metrics"): "Prometheus scrape",
    ("GET", "/.well-known/jwks.json"): "public signing keys",
    ("POST", "/api/auth/login"): "signing in",
    ("POST", "/api/auth/refresh"): "the refresh token is the credential",
    ("POST", "/api/invitations/accept"): "the invitation token is the credential",
    ("POST", "/api/webhooks/{provider}"): "the per-tenant webhook token is the credential",
    ("GET", "/api/webhooks/{provider}"): "the per-tenant webhook token is the credential",
    ("POST", "/api/auth/mfa/enrol"): "the sign-in challenge token (or a bearer token)",
    ("POST", "/api/auth/mfa/confirm"): "the sign-in challenge token (or a bearer token)",
    ("POST", "/api/auth/mfa/verify"): "the sign-in challenge token is the credential",
}

SIGNED_IN: dict[tuple[str, str], str] = {
    ("POST", "/api/auth/logout"): "ends the caller's own session",
    ("GET", "/api/auth/me"): "the caller's own account",
    ("GET", "/api/auth/sessions"): "the caller's own sessions",
    ("DELETE", "/api/auth/sessions/{sid}"): "one of the caller's own sessions",
    ("DELETE", "/api/auth/mfa"): "the caller's own second factor",
    ("GET", "/api/tenants"): "a tenant role sees its own tenant; platform roles need "
    + Permission.TENANTS_READ_ALL,
}


def _lists_tenants(role: Role) -> bool:
    return role not in PLATFORM_ROLES or can(role, Permission.TENANTS_READ_ALL)


# Decisions that are not one permission of the matrix alone, each with its reason.
RULES: dict[tuple[str, str], tuple[Callable[[Role], bool], str]] = {
    ("GET", "/api/tenants"): (_lists_tenants, SIGNED_IN[("GET", "/api/tenants")]),
}

IN_HANDLER: dict[tuple[str, str], tuple[Permission, str]] = {
    ("POST", "/api/owner/command"): (
        Permission.COMMANDS_EXECUTE,
        "checked in the handler so that every denied command is audited",
    ),
}


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    permissions: tuple[Permission, ...] | None
    """What its `requires(...)` guards declare together; None when it has no such guard."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


def plain_path(litestar_path: str) -> str:
    """`/api/calls/{ref:str}` -> `/api/calls/{ref}`, as OpenAPI documents write it."""
    return re.sub(r"{(\w+):\w+}", r"{\1}", litestar_path)


def declared_permissions(guards: list[Any]) -> tuple[Permission, ...] | None:
    found: list[Permission] | None = None
    for guard in guards:
        if getattr(guard, "__qualname__", "") != "requires.<locals>.guard":
            continue
        declared = inspect.getclosurevars(guard).nonlocals["permissions"]
        found = [*(found or []), *declared]
    return None if found is None else tuple(dict.fromkeys(found))


def _settings_class(module: str) -> type[ServiceSettings]:
    settings = importlib.import_module(f"{module}.settings")
    [cls] = [
        value
        for value in vars(settings).values()
        if inspect.isclass(value)
        and issubclass(value, ServiceSettings)
        and value.__module__ == settings.__name__
    ]
    return cls


def build_service_app(module: str, port: int) -> Any:
    """The service's real app, as its composition root builds it (nothing connects yet)."""
    settings = _settings_class(module)(
        database_url="postgresql://nobody@127.0.0.1:1/nothing",
        kafka_bootstrap_servers="127.0.0.1:1",
        http_port=port,
    )
    return importlib.import_module(f"{module}.app").build_app(settings)


def _forwarder(service: str, path: str) -> bool:
    return service == "gateway" and path in {plain_path(p) for p in FORWARDED_PATHS}


def _routes_of(service: str, app: Any) -> Iterator[Route]:
    """The app's routes; a front before the app (webhook-ingest's) lists what it answers."""
    for method, path in getattr(app, "routes_served", ()):
        yield Route(service, method, path, None)
    if not isinstance(app, Litestar):
        app = app.app
    for route in app.routes:
        path = plain_path(route.path)
        if path.startswith(DOCS_PREFIX) or _forwarder(service, path):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(set(handler.http_methods) - IGNORED_METHODS):
                yield Route(service, method, path, declared_permissions(handler.resolve_guards()))


def collect_routes() -> list[Route]:
    routes: list[Route] = []
    for spec in SERVICES:
        routes += _routes_of(spec.name, build_service_app(spec.module, spec.port))
    return sorted(routes, key=lambda r: (r.path, r.method, r.service))


def classification_problems(routes: list[Route]) -> list[str]:
    """Why a route is not what the tables say it is (an unguarded route is a problem)."""
    problems = []
    for route in routes:
        where = f"{route.service}: {route.method} {route.path}"
        if route.key in PUBLIC:
            if route.permissions is not None:
                problems.append(f"{where} is listed public but has a guard")
        elif route.key in SIGNED_IN or route.key in IN_HANDLER:
            if route.permissions != ():
                problems.append(f"{where} should be signed-in only, has {route.permissions}")
        elif route.permissions is None:
            problems.append(f"{where} has no guard and is not listed public")
        elif route.permissions == ():
            problems.append(f"{where} declares no permission and is not listed signed-in")
    return problems


def allowed(route: Route, role: Role) -> bool:
    """What the permission matrix (and the listed rules) say this role may do on the route."""
    if route.key in RULES:
        return RULES[route.key][0](role)
    if route.key in IN_HANDLER:
        return can(role, IN_HANDLER[route.key][0])
    return all(can(role, p) for p in route.permissions or ())


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None


INVALID_BODY = {"walk_field_that_no_route_accepts": True}

# Writes that take no body, so the walk cannot stop them after the guard; each is harmless.
HARMLESS_WRITES: dict[tuple[str, str], str] = {
    ("POST", "/api/audit/checkpoint"): "signs a checkpoint of the log as it is; no entry changes",
}

# Path values of a type other than text: the walk's request must reach the route's guard.
TYPED_PATH_VALUES = {"seq": "1"}

QUERY_OVERRIDES: dict[tuple[str, str], dict[str, str]] = {
    # Without a valid topic the replay stops at 400 after the guard and moves nothing.
    ("POST", "/api/admin/calls/dlq/replay"): {"topic": "not-a-topic"},
}


def fill(path: str, tenant_id: str, values: dict[str, str] | None = None) -> str:
    """The path with the given tenant, named values, and a fresh random id for the rest."""
    known = {**TYPED_PATH_VALUES, "tenant_id": tenant_id, **(values or {})}
    return re.sub(r"{(\w+)}", lambda m: known.get(m.group(1), str(uuid.uuid4())), path)


def walk_call(route: Route, tenant_id: str) -> Call:
    """A request that passes the guard when allowed and then stops without changing anything:
    random ids (not found) and a body no route accepts (refused after the guard)."""
    body = INVALID_BODY if route.method in {"POST", "PUT", "PATCH"} else None
    return Call(
        route.method,
        fill(route.path, tenant_id),
        QUERY_OVERRIDES.get(route.key, {}),
        body,
    )
