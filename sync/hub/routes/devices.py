"""Routes of the devices: fault reports, heartbeats ("last seen"), the device list and clearing faults."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from motcua.contract import DeviceFault, HeartbeatReply
from sync.hub.deps import Admin, AnyRole, HubDep, Staff
from sync.hub.errors import API, ApiError, json_response
from sync.hub.models import DeviceHeartbeat, DeviceReport, FaultClear
from sync.hub.registry import reporter

router = APIRouter(tags=["devices"])


@router.post(f"{API}/devices/report", response_model=DeviceFault)
async def device_report(body: DeviceReport, hub: HubDep, p: AnyRole) -> Response:
    """Báo sự cố thiết bị / a device reports a fault or its recovery (a device.fault / device.ok event)."""
    device = body.device or p.name
    active = hub.engine.device_faults.get(device)
    if body.fault is None and active is None:
        return json_response({"device": device, "fault": None})
    # Who reported it and from which run: a later start of the same device clears what this run left.
    extra = {"by": p.name, "boot": body.boot} if body.fault else {"by": reporter(active or {}) or p.name}
    ch = await hub.run(lambda: hub.engine.report_device(device=device, role=p.role, fault=body.fault,
                                                        message=body.message, details=body.details, extra=extra))
    return json_response(ch[-1].event.data["device"])


@router.get(f"{API}/devices/faults")
async def device_faults(hub: HubDep, p: AnyRole) -> Response:
    """Sự cố đang có / active device faults."""
    return json_response({"faults": list(hub.engine.device_faults.values())})


@router.post(f"{API}/devices/faults/clear")
async def clear_faults(body: FaultClear, hub: HubDep, p: Admin) -> Response:
    """Xoá sự cố (quản trị) / end the faults of one device, or all, as device.ok events (admin)."""
    if (body.device is None) == (not body.all):
        raise ApiError(422, "invalid_request", "Cho biết device hoặc all, không cả hai / give device or all, not both")
    changes = await hub.run(lambda: hub.registry.clear(device=body.device, by=p.name))
    return json_response({"cleared": [c.event.data["device"] for c in changes]})


@router.post(f"{API}/devices/heartbeat", response_model=HeartbeatReply)
async def heartbeat(body: DeviceHeartbeat, hub: HubDep, p: AnyRole) -> Response:
    """Nhịp tim thiết bị / a device is alive: its app, version, uptime, run id and the faults it has now."""
    changes = await hub.run(lambda: hub.registry.heartbeat(name=p.name, token_role=p.role, beat=body,
                                                           now=hub.clock.time()))
    return json_response({"device": p.name, "role": body.role,
                          "changes": [{"type": c.event.type, **c.event.data["device"]} for c in changes]})


@router.get(f"{API}/devices")
async def devices(hub: HubDep, p: Staff) -> Response:
    """Thiết bị và lần cuối liên lạc / every device, when it was last heard from, and its active faults."""
    return json_response({"devices": hub.registry.view(hub.clock.time())})
