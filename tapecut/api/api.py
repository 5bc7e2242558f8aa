"""The API object: routers are added here, one module per resource."""

from __future__ import annotations

from ninja import NinjaAPI

from tapecut.api import changes, merges, reports, themes
from tapecut.api.auth import TokenAuth

api = NinjaAPI(
    title="Tapecut API",
    version="1",
    description=(
        "Reports of red tape: submit them in any identity mode and read them as the triage team "
        "does. Authenticate with `Authorization: Bearer <token>` (`tapecut token create`). "
        "Protected reporters' names and addresses are never part of any answer."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
api.add_router("/reports", reports.router)
api.add_router("/themes", themes.router)
api.add_router("/changes", changes.router)
api.add_router("/merges", merges.router)
api.add_router("/insights", "tapecut.api.insights.router")
api.add_router("/quarantine", "tapecut.api.quarantine.router")
