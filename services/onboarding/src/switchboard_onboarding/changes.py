"""Field-level change tracking down to the item that changed. No I/O.

A change is recorded at the deepest path where the old and new values differ:
`devices[id=phone-2].mac_address`, not the whole `devices` list. Items of a list are matched by
their natural key (`id`, `day`, `date`, `digit` or `number`) when every item has a distinct one,
otherwise by position (`[3]`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

ITEM_KEYS = ("id", "day", "date", "digit", "number")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def merge(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """The form after a patch of top-level fields; a null value clears the field."""
    merged = {**current, **patch}
    return {name: value for name, value in merged.items() if value is not None}


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    return list(_diff("", dict(before), dict(after)))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _diff(path: str, old: Any, new: Any) -> Iterator[FieldChange]:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(set(old) | set(new)):
            yield from _diff(_join(path, name), old.get(name), new.get(name))
    elif isinstance(old, list) and isinstance(new, list) and path:
        yield from _diff_items(path, old, new)
    else:
        yield FieldChange(path, old, new)


def _distinct_by(key: str, items: list[Any]) -> bool:
    values = [item.get(key) if isinstance(item, dict) else None for item in items]
    return None not in values and len(set(map(str, values))) == len(values)


def _item_key(old: list[Any], new: list[Any]) -> str | None:
    return next((k for k in ITEM_KEYS if _distinct_by(k, old) and _distinct_by(k, new)), None)


def _diff_items(path: str, old: list[Any], new: list[Any]) -> Iterator[FieldChange]:
    key = _item_key(old, new)
    if key is None:
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            yield from _diff(f"{path}[{index}]", before, after)
        return
    old_items = {str(item[key]): item for item in old}
    new_items = {str(item[key]): item for item in new}
    order = list(old_items) + [name for name in new_items if name not in old_items]
    for name in order:
        yield from _diff(f"{path}[{key}={name}]", old_items.get(name), new_items.get(name))
