"""How a dead letter is shown: one masking rule, following the permission matrix."""

from __future__ import annotations

from typing import Any

from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.masking import mask_record


def visible_letter(letter: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Phone numbers, e-mail addresses and transcript text stay masked in the body unless the
    caller may see them unmasked."""
    if principal.can(Permission.PHONE_NUMBERS_UNMASKED):
        return letter
    return {**letter, "body": mask_record(letter.get("body"))}
