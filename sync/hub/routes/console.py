"""The manager's console (/console): sign-in, the live page, the reports with their charts and downloads, the
forecast and the counter plan. HTML from Jinja2 templates (templates/console/), charts drawn on the server,
one small script and one style sheet of our own: nothing from elsewhere, so it works on a LAN without internet.

Served by the main listener only (sync.hub.app.create_app), never by the public one. Sessions, CSRF and the
live state are in sync.hub.console; the figures come from `analytics` in a worker process.
"""
from __future__ import annotations

import hmac
import logging
import math
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import jinja2
from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import HTMLResponse, RedirectResponse, Response

from analytics.periods import Period
from sync.hub.auth import Principal
from sync.hub.console import COOKIE, ROLES, SIGNIN_COOKIE, Console, Session, console_of, live_stream
from sync.hub.deps import HubDep
from sync.hub.errors import ApiError, error_response, json_response
from sync.hub.live import EventStreamResponse
from sync.hub.texts import CONSOLE

router = APIRouter(prefix="/console", include_in_schema=False)
log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Our own script and style only; charts are data: images drawn by the hub.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}
VIEWS = ("summary", "services", "counters", "clerks", "dossiers")
CSV_TABLE = {"summary": "daily", "services": "services", "counters": "counters", "clerks": "clerks",
             "dossiers": "dossiers"}


def _t(key: str) -> Markup:
    """A text as the console shows it: Vietnamese, with the English under it."""
    vi, en = CONSOLE[key]
    return Markup('{}<span class="en" lang="en">{}</span>').format(vi, en)


def _minutes(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f}".replace(".", ",")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.1f}%".replace(".", ",")


def _num(x: Any) -> str:
    if x is None or x == "":
        return "–"
    if isinstance(x, float):
        return f"{x:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if isinstance(x, int):
        return f"{x:,}".replace(",", ".")
    return str(x)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(("html",)),
                          trim_blocks=True, lstrip_blocks=True)
_env.globals.update(t=_t, T=CONSOLE)
_env.filters.update(minutes=_minutes, pct=_pct, num=_num, duration=_duration)


def _page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(f"console/{name}").render(**ctx), status_code=status, headers=HEADERS)


def _cookie(response: Response, request: Request, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


async def _form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the door already limits its size)."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _same_origin(request: Request) -> bool:
    """A form posted from another site's page (the Origin header browsers send) is refused."""
    origin = request.headers.get("origin")
    if origin is None:  # an older browser, or a tool: the CSRF token alone decides
        return True
    return origin.split("://", 1)[-1] == request.headers.get("host")


def _session(request: Request, hub: Any) -> tuple[Console, Session | None]:
    console = console_of(hub)
    return console, console.session(request.cookies.get(COOKIE))


def _signin_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/console/sign-in?next={quote(target)}", status_code=303, headers=HEADERS)


def _base(hub: Any, s: Session, active: str) -> dict[str, Any]:
    return {"site": hub.config.site.name, "session": s, "active": active}


# ------------------------------------------------------------------ sign-in and sign-out


@router.get("")
async def root() -> Response:
    """The console opens on its live page."""
    return RedirectResponse("/console/live", status_code=303)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The console's own style sheet and script."""
    if name not in STATIC:
        raise ApiError(404, "not_found", "Không có địa chỉ này / no such endpoint")
    return Response((TEMPLATES / "console" / name).read_bytes(), media_type=STATIC[name],
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def _signin_page(request: Request, hub: Any, *, error: Markup | None = None, status: int = 200,
                 nxt: str = "") -> Response:
    form_token = secrets.token_urlsafe(24)
    response = _page("signin.html", status, site=hub.config.site.name, error=error, csrf=form_token,
                     next=nxt or request.query_params.get("next", ""))
    _cookie(response, request, SIGNIN_COOKIE, form_token)
    return response


@router.get("/sign-in")
async def signin_form(request: Request, hub: HubDep) -> Response:
    """Trang đăng nhập / the sign-in form."""
    return _signin_page(request, hub)


@router.post("/sign-in")
async def signin(request: Request, hub: HubDep) -> Response:
    """Đăng nhập bằng mã quản trị hoặc quản lý / sign in with an admin or manager token."""
    form = await _form(request)
    nxt = form.get("next", "")
    cookie = request.cookies.get(SIGNIN_COOKIE, "")
    if not _same_origin(request) or not cookie or not hmac.compare_digest(cookie.encode(), form.get("csrf", "").encode()):
        return _signin_page(request, hub, error=_t("stale_form"), status=403, nxt=nxt)
    client = request.client.host if request.client else ""
    token = form.get("token", "").strip()
    user = form.get("user", "").strip()
    console = console_of(hub)
    try:
        if user or not token:
            s = await _account_signin(hub, console, user, form.get("password", ""), client)
        else:
            p = hub.authenticate(token, client=client, route="/console/sign-in")
            if p.role not in ROLES:
                return _signin_page(request, hub, error=_t("not_staff"), status=403, nxt=nxt)
            s = console.sessions.create(token, p)
    except ApiError as exc:
        if exc.status == 429:
            wait = (exc.headers or {}).get("Retry-After", "60")
            vi, en = CONSOLE["locked"]
            msg = Markup('{}<span class="en" lang="en">{}</span>').format(vi.format(s=wait), en.format(s=wait))
            response = _signin_page(request, hub, error=msg, status=429, nxt=nxt)
            response.headers["Retry-After"] = wait
            return response
        return _signin_page(request, hub, error=_t("bad_password" if user or not token else "bad_token"), status=401,
                            nxt=nxt)
    console.warm()
    target = nxt if nxt.startswith("/console/") and "//" not in nxt and "\\" not in nxt else "/console/live"
    response = RedirectResponse(target, status_code=303, headers=HEADERS)
    _cookie(response, request, COOKIE, s.sid)
    response.delete_cookie(SIGNIN_COOKIE, path="/console")
    return response


async def _account_signin(hub: Any, console: Console, user: str, password: str, client: str) -> Session:
    """A session for a staff account's code and password; ApiError 401, or 429 while the address is locked out.

    Failures count against the same per-address limiter as failed device tokens (sync.hub.auth), so guessing
    passwords is as slow as guessing tokens; a refused address is not even checked.
    """
    wait = hub.limiter.retry_after(client) if client else 0.0
    if wait > 0:
        raise ApiError(429, "too_many_failures", "Sai quá nhiều lần / too many failures",
                       headers={"Retry-After": str(max(1, math.ceil(wait)))})
    acc = await console.accounts.check(user[:64], password) if user and password else None
    if acc is None:
        # %r: the code comes from the form and may hold anything; never the password.
        log.warning("failed console sign-in from %s as %r", client or "?", user[:64])
        if client and hub.limiter.failed(client):
            log.warning("refusing %s for a while after repeated failed sign-ins", client)
        raise ApiError(401, "unauthorized", "Sai mã cán bộ hoặc mật khẩu / wrong staff code or password")
    log.info("console sign-in by %s (%s) from %s", acc.code, acc.role, client or "?")
    return console.sessions.create(acc.code, Principal(role=acc.role, name=acc.name), account=True)


@router.post("/sign-out")
async def signout(request: Request, hub: HubDep) -> Response:
    """Đăng xuất / sign out (the form's CSRF token must match the session's)."""
    console, s = _session(request, hub)
    form = await _form(request)
    if s is not None:
        if not _same_origin(request) or not hmac.compare_digest(s.csrf.encode(), form.get("csrf", "").encode()):
            return error_response(403, "csrf", "Biểu mẫu không hợp lệ / the form's CSRF token does not match")
        console.sessions.drop(s.sid)
    response = RedirectResponse("/console/sign-in", status_code=303, headers=HEADERS)
    response.delete_cookie(COOKIE, path="/console")
    return response


# ------------------------------------------------------------------ live


@router.get("/live")
async def live_page(request: Request, hub: HubDep) -> Response:
    """Trang trực tiếp / the center now; it updates itself from the hub's events."""
    console, s = _session(request, hub)
    if s is None:
        return _signin_redirect(request)
    return _page("live.html", state=console.live_state(), **_base(hub, s, "live"))


@router.get("/live/state")
async def live_state(request: Request, hub: HubDep) -> Response:
    """The live state as JSON (the page polls it where EventSource is missing)."""
    console, s = _session(request, hub)
    if s is None:
        return error_response(401, "unauthorized", "Chưa đăng nhập / not signed in")
    response = json_response(console.live_state())
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/live/events")
async def live_events(request: Request, hub: HubDep) -> Response:
    """Server-sent `state` events: the whole live state after each burst of changes."""
    console, s = _session(request, hub)
    if s is None:
        return error_response(401, "unauthorized", "Chưa đăng nhập / not signed in")
    sub, _, _ = hub.events.subscribe(hub.events.last_seq)
    return EventStreamResponse(live_stream(console, s.sid, sub), sub, media_type="text/event-stream",
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


# ------------------------------------------------------------------ reports


def _period(request: Request, today: date) -> Period:
    """The period a report page asks for: `period=KEY`, or the form's kind with its dates; the month by default."""
    q = request.query_params
    key = q.get("period")
    if key:
        return Period.parse(key)
    kind = q.get("kind", "month")
    if kind == "day":
        return Period.day(date.fromisoformat(q.get("day") or today.isoformat()))
    if kind == "week":
        return Period.week(date.fromisoformat(q.get("day") or today.isoformat()))
    if kind == "range":
        return Period.between(date.fromisoformat(q.get("from", "")), date.fromisoformat(q.get("to", "")))
    month = q.get("month") or f"{today:%Y-%m}"
    return Period.parse(month)


def _target(request: Request) -> float:
    try:
        minutes = float(request.query_params.get("target", "15"))
    except ValueError:
        minutes = 15.0
    return 60.0 * (minutes if math.isfinite(minutes) and 1 <= minutes <= 240 else 15.0)


def _config_and_db(hub: Any) -> tuple[Any, str]:
    return hub.config, str(hub.store.path)


async def _run(console: Console, key: tuple[Any, ...], fn: Any, *args: Any) -> tuple[Any, Markup | None, int]:
    """A worker job's result, or the message and status to show instead."""
    try:
        return await console.job(key, fn, *args), None, 200
    except TimeoutError:
        return None, _t("job_failed"), 503
    except ValueError as exc:
        return None, Markup("{} <small>{}</small>").format(_t("bad_period"), str(exc)), 400
    except Exception:  # the worker's traceback is in the log; the page says it plainly
        log.exception("console job %s failed", key[0])
        return None, _t("job_failed"), 500


@router.get("/reports")
async def reports_page(request: Request, hub: HubDep) -> Response:
    """Báo cáo / a day's, week's, month's or range's report, by service, counter and clerk, with charts."""
    console, s = _session(request, hub)
    if s is None:
        return _signin_redirect(request)
    from analytics import console as jobs

    view = request.query_params.get("view", "summary")
    view = view if view in VIEWS else "summary"
    target = _target(request)
    today = hub.engine.today()
    ctx = _base(hub, s, "reports") | {"view": view, "target_min": round(target / 60, 1), "today": today}
    try:
        period = _period(request, today)
    except ValueError as exc:
        return _page("reports.html", 400, error=Markup("{} <small>{}</small>").format(_t("bad_period"), str(exc)),
                     period=Period.parse(f"{today:%Y-%m}"), data=None, **ctx)
    config, db = _config_and_db(hub)
    data, error, status = await _run(console, ("report", period.key, target), jobs.report_page, db, config,
                                     period.key, target)
    return _page("reports.html", status, period=period, data=data, error=error, csv_table=CSV_TABLE[view], **ctx)


@router.get("/reports/download")
async def report_download(request: Request, hub: HubDep) -> Response:
    """Tải báo cáo / a report as XLSX (every table), CSV (`table=`) or the printable A4 PDF."""
    console, s = _session(request, hub)
    if s is None:
        return error_response(401, "unauthorized", "Chưa đăng nhập / not signed in")
    from analytics import console as jobs

    fmt = request.query_params.get("format", "xlsx")
    table = request.query_params.get("table", "services")
    if fmt not in jobs.EXPORTS:
        return error_response(422, "invalid_format", f"Định dạng không hỗ trợ / format must be one of {', '.join(jobs.EXPORTS)}")
    try:
        period = _period(request, hub.engine.today())
    except ValueError as exc:
        return error_response(422, "invalid_period", f"Kỳ báo cáo không hợp lệ / not a period: {exc}")
    target = _target(request)
    config, db = _config_and_db(hub)
    today = hub.engine.today().isoformat()
    data, error, status = await _run(console, ("download", period.key, fmt, table, target), jobs.download, db, config,
                                     period.key, fmt, target, today, table)
    if data is None:
        return error_response(status if status != 200 else 500, "report_failed", str(error))
    name = f"bao-cao-{period.key.replace('..', '_')}" + (f"-{table}" if fmt == "csv" else "") + f".{fmt}"
    return Response(data, media_type=jobs.MEDIA[fmt],
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


# ------------------------------------------------------------------ forecast and staffing


def _start(request: Request, today: date) -> date:
    text = request.query_params.get("from")
    return date.fromisoformat(text) if text else today + timedelta(days=1)


@router.get("/forecast")
async def forecast_page(request: Request, hub: HubDep) -> Response:
    """Dự báo 14 ngày và số quầy cần mở / the 14-day forecast, its backtest error and the counter plan."""
    console, s = _session(request, hub)
    if s is None:
        return _signin_redirect(request)
    from analytics import console as jobs

    today = hub.engine.today()
    target = _target(request)
    ctx = _base(hub, s, "forecast") | {"target_min": round(target / 60, 1)}
    try:
        start = _start(request, today)
    except ValueError as exc:
        return _page("forecast.html", 400, start=today + timedelta(days=1), data=None,
                     error=Markup("{} <small>{}</small>").format(_t("bad_period"), str(exc)), **ctx)
    config, db = _config_and_db(hub)
    data, error, status = await _run(console, ("forecast", start.isoformat(), target), jobs.forecast_page, db, config,
                                     start.isoformat(), target)
    return _page("forecast.html", status, start=start, data=data, error=error, **ctx)


@router.get("/forecast/download")
async def forecast_download(request: Request, hub: HubDep) -> Response:
    """Kế hoạch in / the forecast and counter plan as a printable A4 PDF."""
    console, s = _session(request, hub)
    if s is None:
        return error_response(401, "unauthorized", "Chưa đăng nhập / not signed in")
    from analytics import console as jobs

    try:
        start = _start(request, hub.engine.today())
    except ValueError as exc:
        return error_response(422, "invalid_date", f"Ngày không hợp lệ / not a date: {exc}")
    target = _target(request)
    config, db = _config_and_db(hub)
    data, error, status = await _run(console, ("plan", start.isoformat(), target), jobs.plan_download, db, config,
                                     start.isoformat(), target, hub.engine.today().isoformat())
    if data is None:
        return error_response(status if status != 200 else 500, "report_failed", str(error))
    return Response(data, media_type=jobs.MEDIA["pdf"],
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="ke-hoach-{start.isoformat()}.pdf"'})

