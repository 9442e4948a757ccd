"""FastAPI dependencies of the hub's routes: the Hub of this app and the caller's role."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sync.hub.auth import Principal, check_role
from sync.hub.limits import PRINCIPAL, client_address
from sync.hub.service import Hub

bearer = HTTPBearer(auto_error=False, description="Mã thiết bị / device token")


def get_hub(request: Request) -> Hub:
    """The Hub this app serves."""
    hub: Hub = request.app.state.hub
    return hub


def require(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets these roles (and admin) through, with 401/403 as JSON errors otherwise."""
    allowed = frozenset(roles) | {"admin"}

    async def dependency(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        p: Principal | None = request.scope.get(PRINCIPAL)  # authenticated at the door (sync.hub.fastpath)
        if p is None:
            p = get_hub(request).authenticate(creds.credentials if creds else None,
                                              client=client_address(request.scope), route=request.url.path)
        return check_role(p, allowed)

    return dependency


HubDep = Annotated[Hub, Depends(get_hub)]
AnyRole = Annotated[Principal, Depends(require("kiosk", "board", "counter"))]
Issuer = Annotated[Principal, Depends(require("kiosk", "counter"))]
Clerk = Annotated[Principal, Depends(require("counter"))]
Admin = Annotated[Principal, Depends(require())]
Staff = Annotated[Principal, Depends(require("counter"))]
"""People who run the center: counter clerks and admins (not the public-facing kiosks and boards)."""
MetricsReader = Annotated[Principal, Depends(require("metrics"))]
"""A monitoring server's token (role metrics, which may read nothing else) or an admin's."""
