"""Routes of clerks and ratings (issue 13): sign-in and sign-out at a counter, ratings, the summary.

The public rating page of a served ticket (/t/{id}/rate, behind the tracking page) is in `pages`, which
sync.hub.routes.public serves with the other citizen pages.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from sync.hub.auth import own_counter
from sync.hub.deps import Clerk, HubDep, Staff
from sync.hub.errors import API, ApiError, json_response
from sync.hub.rating_page import rate_html
from sync.hub.ratings import RatingRequest
from sync.hub.staff import SignInRequest

router = APIRouter(tags=["staff"])
pages = APIRouter(tags=["public"])

_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _counter(hub: HubDep, n: int) -> None:
    if hub.config.counter(n) is None:
        raise ApiError(404, "unknown_counter", f"Không có quầy số {n} / no counter {n}")


@router.post(f"{API}/counters/{{n}}/sign-in")
async def sign_in(n: int, body: SignInRequest, hub: HubDep, p: Clerk) -> Response:
    """Cán bộ đăng nhập quầy / a clerk signs in at the counter (staff code and PIN, or the staff card)."""
    own_counter(p, n)
    _counter(hub, n)
    return json_response(await hub.staff.sign_in(n, body))


@router.post(f"{API}/counters/{{n}}/sign-out")
async def sign_out(n: int, hub: HubDep, p: Clerk) -> Response:
    """Cán bộ đăng xuất / the clerk signs out (a break, the end of the day)."""
    own_counter(p, n)
    _counter(hub, n)
    return json_response(await hub.staff.sign_out(n))


@router.get(f"{API}/counters/{{n}}/clerk")
async def clerk(n: int, hub: HubDep, p: Staff) -> Response:
    """Cán bộ đang làm việc tại quầy / who is signed in at the counter: {"clerk": {code, name, since} | null}."""
    _counter(hub, n)
    return json_response({"counter": n, "clerk": hub.staff.clerk_view(n)})


@router.post(f"{API}/ratings", status_code=201)
async def rate(body: RatingRequest, hub: HubDep, p: Clerk) -> Response:
    """Đánh giá mức độ hài lòng / a citizen rated a served ticket at the counter (rating screen or keypad).

    201 with the rating; 200 for a repeat of the same id; 409 `already_rated`, `rating_closed`, `not_served`.
    """
    def scope(counter: int) -> None:
        own_counter(p, counter)

    status, view = await hub.ratings.record(rating_id=body.id, ticket_id=body.ticket, level=body.level,
                                            reasons=body.reasons, channel=body.channel, rated_at=body.rated_at,
                                            age_s=body.age_s, counter_scope=scope)
    return json_response(view, status)


@router.get(f"{API}/ratings/summary")
async def summary(hub: HubDep, p: Staff, first: str = Query(alias="from"), last: str = Query(alias="to"),
                  by: str = "clerk") -> Response:
    """Tổng hợp đánh giá / per clerk, counter or service: served, service times, no-shows, transfers, levels."""
    return json_response(hub.ratings.summary(first=first, last=last, by=by))


@pages.get("/t/{ticket_id}/rate", response_class=HTMLResponse)
async def rate_page(ticket_id: str, hub: HubDep) -> Response:
    """Trang đánh giá (from the tracking page of a served ticket): the three levels, once."""
    view = hub.find_ticket(ticket_id) if 0 < len(ticket_id) <= 64 else None
    state = "missing" if view is None else hub.ratings.state_for(ticket_id)
    return HTMLResponse(rate_html(ticket_id, view, state), status_code=404 if view is None else 200, headers=_NO_STORE)


@pages.post("/t/{ticket_id}/rate", response_class=HTMLResponse)
async def rate_from_phone(ticket_id: str, request: Request, hub: HubDep) -> Response:
    """A phone's rating (a plain urlencoded form: no script needed); once per ticket."""
    view = hub.find_ticket(ticket_id) if 0 < len(ticket_id) <= 64 else None
    if view is None:
        return HTMLResponse(rate_html(ticket_id, None, "missing"), status_code=404, headers=_NO_STORE)
    # parse_qs rather than FastAPI's Form: that needs python-multipart, for three short fields.
    form = parse_qs((await request.body())[:4096].decode("utf-8", "replace"), max_num_fields=16)
    level = (form.get("level") or [""])[0]
    rating_id = (form.get("rating_id") or [""])[0]
    reasons = form.get("reason", [])[:8] if level == "unsatisfied" else []
    try:
        status, _ = await hub.ratings.record(rating_id=rating_id, ticket_id=ticket_id, level=level, reasons=reasons,
                                             channel="phone", rated_at=None)
    except ApiError as exc:
        state = {"already_rated": "rated", "rating_closed": "closed", "not_served": "closed"}.get(exc.code, "invalid")
        return HTMLResponse(rate_html(ticket_id, view, state), status_code=exc.status, headers=_NO_STORE)
    return HTMLResponse(rate_html(ticket_id, view, "thanks"), status_code=status, headers=_NO_STORE)
