"""Who a device token belongs to: for the technician's checks (`motcua diag`) and device set-up."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from sync.hub.deps import AnyRole, HubDep
from sync.hub.errors import API, ApiError, json_response
from sync.store import hash_token

router = APIRouter(tags=["devices"])


@router.get(f"{API}/whoami")
async def whoami(request: Request, hub: HubDep, p: AnyRole) -> Response:
    """Mã này của ai / whose token this is: {"role", "name", "counter"} (any valid token)."""
    # The hub caches the tokens it has seen, so a token revoked with `motcua token revoke` while the hub
    # runs still passes elsewhere until a restart. Ask the database here: the technician hears the truth.
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    rows = hub.store.read("SELECT revoked_at FROM tokens WHERE hash = ?", (hash_token(token),))
    if rows and rows[0][0] is not None:
        raise ApiError(401, "revoked", "Mã thiết bị đã bị thu hồi / the device token was revoked")
    return json_response({"role": p.role, "name": p.name, "counter": p.counter})
