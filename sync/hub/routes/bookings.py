"""Routes of appointments (đặt lịch hẹn): checking a booking in at the kiosk, today's bookings for staff."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from sync.hub.deps import HubDep, Issuer, Staff
from sync.hub.errors import API, json_response
from sync.hub.models import CheckinRequest

router = APIRouter(tags=["bookings"])


@router.post(f"{API}/bookings/checkin")
async def checkin(body: CheckinRequest, hub: HubDep, p: Issuer) -> Response:
    """Tôi đã đặt lịch / check a booking in, by its QR (`qr`), its code (`code`) or the CCCD it was made with
    (`id_number`, matched against the booking's salted digest and never stored).

    200 with `ticket`, `booking` and `verdict`: `on_time` (a ticket of the appointment category, served ahead
    of walk-ins from the slot's start), `early` or `late` (outside `[bookings] early_min`/`late_min`: a normal
    number). A second check-in of a booking answers its first ticket (`repeat`: true). 404 `unknown_booking`,
    409 `booking_other_day`, `booking_cancelled`; 422 `not_a_booking_qr`.
    """
    return json_response(await hub.bookings.checkin(p, body))


@router.get(f"{API}/bookings")
async def todays_bookings(hub: HubDep, p: Staff) -> Response:
    """Lịch hẹn hôm nay / today's bookings the hub has received, with their check-ins (no personal data)."""
    items = sorted(hub.bookings.today(), key=lambda b: (b.get("start_at", 0), b.get("code", "")))
    return json_response({"bookings": [hub.bookings.view(b) for b in items]})
