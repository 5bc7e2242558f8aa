"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models

from tapecut.core.models import AuditEvent


def record(
    verb: str,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    actor_label: str = "",
    **detail: Any,
) -> AuditEvent:
    user = actor if getattr(actor, "pk", None) else None
    label = actor_label or (getattr(user, "get_username", lambda: "")() if user else "system")
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
