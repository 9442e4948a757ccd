"""Routes of help requests (gọi cán bộ hỗ trợ): a kiosk asks, every panel and board shows it, a clerk takes it."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from motcua.contract import HelpAck, HelpRequestBody
from sync.hub.deps import AnyRole, HubDep, Issuer, Staff
from sync.hub.errors import API, json_response

router = APIRouter(tags=["help"])


@router.post(f"{API}/help")
async def request_help(body: HelpRequestBody, hub: HubDep, p: Issuer) -> Response:
    """Gọi cán bộ hỗ trợ / a kiosk asks for a clerk: 201 with the request, 200 with its open one."""
    status, h = await hub.help.request(device=p.name, request_id=body.id)
    return json_response(h, status)


@router.get(f"{API}/help")
async def open_help(hub: HubDep, p: AnyRole) -> Response:
    """Yêu cầu hỗ trợ đang chờ / the open help requests, oldest first."""
    return json_response({"help_requests": hub.help.view()})


@router.post(f"{API}/help/{{help_id}}/ack")
async def acknowledge_help(help_id: str, hub: HubDep, p: Staff, body: HelpAck | None = None) -> Response:
    """Đã nhận yêu cầu hỗ trợ / a clerk takes the request: it leaves the panels and boards."""
    counter = p.counter if p.counter is not None else (body.counter if body else None)
    return json_response(await hub.help.acknowledge(help_id, by=p.name, counter=counter))
