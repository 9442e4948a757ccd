"""Routes of the hub's sync with the central server: health and dead letters."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from motcua.clock import iso
from motcua.contract import SyncStatus
from sync.hub.deps import Admin, AnyRole, HubDep
from sync.hub.errors import API, json_response

router = APIRouter(tags=["sync"])


@router.get(f"{API}/sync", response_model=SyncStatus)
async def sync_health(hub: HubDep, p: AnyRole) -> Response:
    """Tình trạng đồng bộ / sync health: backlog, oldest unsent age, last success and error, dead letters."""
    return json_response(hub.sync_status())


@router.get(f"{API}/sync/dead-letters")
async def dead_letters(hub: HubDep, p: Admin) -> Response:
    """Sự kiện bị máy chủ trung tâm từ chối / events the central server rejected, with the reason (admin)."""
    return json_response({"dead_letters": [{**dict(r), "at": iso(r["at"], hub.config.tz)}
                                           for r in hub.store.tables.dead_letters()]})
