"""Routes of notices (thông báo): a citizen's consent to notices by phone, and its withdrawal."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from sync.hub.deps import HubDep, Issuer
from sync.hub.errors import API, ApiError, json_response
from sync.hub.models import SubscribeRequest
from sync.hub.notices import CONSENT_TEXT

router = APIRouter(tags=["notices"])


@router.get(f"{API}/notices/consent")
async def consent_text(hub: HubDep, p: Issuer) -> Response:
    """Lời đồng ý / the consent text a device shows beside the phone field (recorded with each consent)."""
    return json_response({"text": CONSENT_TEXT})


@router.post(f"{API}/notices/subscriptions", status_code=201)
async def subscribe(body: SubscribeRequest, hub: HubDep, p: Issuer) -> Response:
    """Nhận thông báo / a citizen leaves a phone number for a ticket ("3 more before you", the call) or a
    dossier (its result), with `consent: true` after reading the consent text; 201 without the number.
    422 `consent_required` without consent: no notice is ever made for a number given without it."""
    return json_response(await hub.notices.subscribe(ticket_id=body.ticket_id, dossier_id=body.dossier_id,
                                                     phone=body.phone, consent=body.consent), 201)


@router.delete(f"{API}/notices/subscriptions/{{subscription_id}}")
async def withdraw(subscription_id: str, hub: HubDep, p: Issuer) -> Response:
    """Rút lại / the citizen withdraws: no more notices, and the number is erased at once."""
    if len(subscription_id) > 64:
        raise ApiError(404, "unknown_subscription", "Không có đăng ký này / no such subscription")
    await hub.notices.withdraw(subscription_id)
    return json_response({"id": subscription_id, "withdrawn": True})
