"""The console's operations page (/console/operations): open/close counters, pause issuing for a service, the
lobby ticker, the guides playlist and a notice to the boards, each audited; and the latest audited controls.

Every form posts with the session's CSRF token (and, from a browser, the same Origin); a missing or wrong token
is a 403 JSON error and changes nothing. The controls themselves are in sync.hub.operations.
"""
from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from sync.audit import ACTIONS
from sync.hub.console import Session
from sync.hub.deps import HubDep
from sync.hub.errors import ApiError, error_response
from sync.hub.operations import NOTICE_MAX, NOTICE_MINUTES, TICKER_MAX, Actor
from sync.hub.routes.console import HEADERS, _base, _form, _page, _same_origin, _session, _signin_redirect

router = APIRouter(prefix="/console/operations", include_in_schema=False)


def _view(hub: Any, s: Session, *, error: Markup | None = None, status: int = 200, done: bool = False) -> Response:
    ops = hub.operations
    engine = hub.engine
    counters = [{"number": c.number, "name": c.label, "services": list(c.services),
                 "state": engine.counters[c.number].state.value} for c in hub.config.counters]
    due = hub.bookings.expected_today()  # booked citizens a pause would turn away: the manager sees them first
    services = [{"code": x.code, "name": x.name, "name_en": x.name_en or x.name, "paused": x.code in ops.paused,
                 "waiting": len(engine.queues[x.code]), "bookings_due": due.get(x.code, 0)} for x in hub.config.services]
    display = hub.site_document()["display"]
    limits = {"ticker": TICKER_MAX, "notice": NOTICE_MAX, "minutes": NOTICE_MINUTES}
    return _page("operations.html", status, counters=counters, services=services, error=error, done=done,
                 ticker=display["ticker"], guides="\n".join(ops.guides), notice=ops.notice_now(),
                 notice_until=display["notice_until"], audit=ops.recent(), actions=ACTIONS, limits=limits,
                 **_base(hub, s, "operations"))


@router.get("")
async def operations_page(request: Request, hub: HubDep) -> Response:
    """Điều hành / the operational controls and the latest audited ones."""
    _, s = _session(request, hub)
    if s is None:
        return _signin_redirect(request)
    return _view(hub, s, done=request.query_params.get("done") == "1")


async def _control(request: Request, hub: Any, act: Any) -> Response:
    """Check the session and the form's CSRF token, run the control, and show the page again."""
    _, s = _session(request, hub)
    if s is None:
        return error_response(401, "unauthorized", "Chưa đăng nhập / not signed in")
    form = await _form(request)
    if not _same_origin(request) or not hmac.compare_digest(s.csrf.encode(), form.get("csrf", "").encode()):
        return error_response(403, "csrf", "Biểu mẫu không hợp lệ / the form's CSRF token does not match")
    actor = Actor(name=s.who, role=s.role, client=request.client.host if request.client else "")
    try:
        await act(hub.operations, actor, form)
    except ApiError as exc:
        if exc.status >= 500:
            raise
        return _view(hub, s, error=Markup("{}").format(exc.message), status=exc.status)
    return RedirectResponse("/console/operations?done=1", status_code=303, headers=HEADERS)


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 4:
        raise ApiError(422, "invalid_counter", "Số quầy không hợp lệ / not a counter number")
    return int(text)


def _choice(form: dict[str, str], key: str, choices: tuple[str, str]) -> bool:
    """True for the first choice, False for the second; 422 otherwise."""
    value = form.get(key, "")
    if value not in choices:
        raise ApiError(422, "invalid_action", f"{key}: {' | '.join(choices)}")
    return value == choices[0]


@router.post("/counter")
async def counter(request: Request, hub: HubDep) -> Response:
    """Mở/đóng quầy / open or close a counter (`number`, `action` open|close)."""
    async def act(ops: Any, actor: Actor, form: dict[str, str]) -> None:
        await ops.set_counter(actor, _number(form.get("number", "")), open_=_choice(form, "action", ("open", "close")))

    return await _control(request, hub, act)


@router.post("/service")
async def service(request: Request, hub: HubDep) -> Response:
    """Tạm dừng/cấp số lại / pause or resume issuing for a service (`code`, `action` pause|resume)."""
    async def act(ops: Any, actor: Actor, form: dict[str, str]) -> None:
        await ops.set_service(actor, form.get("code", ""), paused=_choice(form, "action", ("pause", "resume")))

    return await _control(request, hub, act)


@router.post("/ticker")
async def ticker(request: Request, hub: HubDep) -> Response:
    """Dòng chữ chạy / the lobby ticker's text (`text`)."""
    async def act(ops: Any, actor: Actor, form: dict[str, str]) -> None:
        await ops.set_ticker(actor, form.get("text", ""))

    return await _control(request, hub, act)


@router.post("/guides")
async def guides(request: Request, hub: HubDep) -> Response:
    """Danh sách hướng dẫn / the guides playlist (`items`, one per line)."""
    async def act(ops: Any, actor: Actor, form: dict[str, str]) -> None:
        await ops.set_guides(actor, form.get("items", ""))

    return await _control(request, hub, act)


@router.post("/notice")
async def notice(request: Request, hub: HubDep) -> Response:
    """Thông báo lên màn hình sảnh / a notice on the boards (`text`, `text_en`, `minutes`)."""
    async def act(ops: Any, actor: Actor, form: dict[str, str]) -> None:
        await ops.send_notice(actor, form.get("text", ""), form.get("text_en", ""), form.get("minutes", ""))

    return await _control(request, hub, act)
