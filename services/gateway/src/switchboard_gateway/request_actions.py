"""What a request does, for the limits per user and action: decided from its method and path in
one table. Rules only, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Action(StrEnum):
    BULK = "bulk"
    COMMAND = "command"
    WRITE = "write"
    READ = "read"


DEFAULT_ACTION_LIMITS: Mapping[Action, int] = {
    Action.BULK: 10,
    Action.COMMAND: 30,
    Action.WRITE: 300,
    Action.READ: 1200,
}

ANY = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READS = frozenset({"GET", "HEAD"})

# (methods, path, action): a rule covers the path and everything under it; the first match
# wins. None: no limit per user (webhooks come from providers; the sign-in steps, refresh and
# accepting an invitation have limits of their own and no signed-in user yet).
RULES: tuple[tuple[frozenset[str], str, Action | None], ...] = (
    (ANY, "/api/webhooks", None),
    (WRITES, "/api/auth/login", None),
    (WRITES, "/api/auth/refresh", None),
    (WRITES, "/api/auth/mfa/verify", None),
    (WRITES, "/api/invitations/accept", None),
    (WRITES, "/api/bulk", Action.BULK),
    (WRITES, "/api/owner/command", Action.COMMAND),
    (WRITES, "/api", Action.WRITE),
    (READS, "/api", Action.READ),
)


def _covers(rule_path: str, path: str) -> bool:
    return path == rule_path or path.startswith(rule_path + "/")


def classify(method: str, path: str) -> Action | None:
    """The action a request counts against, or None when it is not limited per user."""
    verb = method.upper()
    for methods, rule_path, action in RULES:
        if verb in methods and _covers(rule_path, path):
            return action
    return None


def parse_action_limits(text: str) -> dict[Action, int]:
    """`bulk=10,command=30` -> requests a minute per action; actions not named keep their
    default. Raises ValueError naming what is wrong."""
    limits = dict(DEFAULT_ACTION_LIMITS)
    named: set[Action] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        action, limit = _parse_item(item)
        if action in named:
            raise ValueError(f"{action} is named twice")
        named.add(action)
        limits[action] = limit
    return limits


def _parse_item(item: str) -> tuple[Action, int]:
    name, equals, number = (piece.strip() for piece in item.partition("="))
    known = ", ".join(Action)
    if not equals:
        raise ValueError(f"{item!r} is not action=limit (actions: {known})")
    try:
        action = Action(name.lower())
    except ValueError:
        raise ValueError(f"unknown action {name!r} (actions: {known})") from None
    if not (number.isascii() and number.isdigit()) or int(number) < 1:
        raise ValueError(f"the limit of {action} must be a whole number of at least 1")
    return action, int(number)
