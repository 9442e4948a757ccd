"""Who a device token belongs to: for the technician's checks (`motcua diag`) and device set-up."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from motcua.contract import WhoAmI
from sync.hub.deps import AnyRole, HubDep
from sync.hub.errors import API, ApiError, json_response

router = APIRouter(tags=["devices"])


@router.get(f"{API}/whoami", response_model=WhoAmI)
async def whoami(request: Request, hub: HubDep, p: AnyRole) -> Response:
    """Mã này của ai / whose token this is: {"role", "name", "counter", "any_counter"} (any valid token)."""
    # The hub forgets a token revoked with `motcua token revoke` within a second (Hub.check_tokens); ask the
    # database here all the same, so that the technician hears the truth even within that second.
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    if hub.store.revoked_token(token) is not None:
        raise ApiError(401, "revoked", "Mã thiết bị đã bị thu hồi / the device token was revoked")
    # any_counter: a counter token with no counter acts on every counter only if made with --any-counter.
    return json_response({"role": p.role, "name": p.name, "counter": p.counter, "any_counter": p.any_counter})
