"""The public booking page and API of the reference central server (đặt lịch hẹn), no token needed.

The page works without script on any phone: pick a center, a service and a day (a GET form), then a slot
and your name, phone and CCCD (a POST form), and get a booking code and its QR; the booking's own page
(`/book/{id}`, the QR's address) shows its state and cancels it. The booking's random id is what lets
its holder see and cancel it, as a slip's QR does for a dossier; the page never shows the ID number and
shows the phone masked.

JSON for other front ends (a province's portal, an app): `GET /api/v1/public/booking/sites`,
`GET /api/v1/public/booking/slots?site&service&day`, `POST /api/v1/public/bookings`,
`GET /api/v1/public/bookings/{id}`, `POST /api/v1/public/bookings/{id}/cancel`.
"""
from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import jinja2
import orjson
from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sync.central.bookings import BookingError

if TYPE_CHECKING:
    from sync.central.store import CentralStore

log = logging.getLogger(__name__)

PUBLIC = "/api/v1/public"
_UUID = re.compile(r"^[0-9a-f-]{36}$")
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=jinja2.select_autoescape(("html",), default_for_string=True),
    trim_blocks=True, lstrip_blocks=True,
)
STATUS = {"booked": ("Đã đặt lịch", "Booked"), "cancelled": ("Đã hủy", "Cancelled"),
          "checked_in": ("Đã đến và lấy số", "Checked in"), "no_show": ("Không đến (đã quá giờ)", "Missed")}


class BookingIn(BaseModel):
    """A citizen's booking request."""

    model_config = ConfigDict(extra="forbid")

    site: str = Field(min_length=1, max_length=32)
    service: str = Field(min_length=1, max_length=16)
    day: date
    slot: str = Field(pattern=r"^\d{2}:\d{2}$")
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field("", max_length=30)
    id_number: str = Field(min_length=9, max_length=20)
    notify: bool = False
    """Đồng ý nhận thông báo: the citizen agrees to notices by phone (none are sent without it)."""


def qr_svg(text: str) -> str:
    """A QR code as inline SVG (a few KB, no image request)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode().split("?>", 1)[-1]


def add_booking_routes(app: FastAPI, store: CentralStore, clock: Callable[[], float]) -> None:
    """Register the booking page and its JSON API on the central server's app."""

    async def in_thread(fn: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn)

    def err(exc: BookingError) -> Response:
        return Response(orjson.dumps({"error": {"code": exc.code, "message": exc.message}}), status_code=exc.status,
                        media_type="application/json")

    def json(data: Any, status: int = 200) -> Response:
        return Response(orjson.dumps(data), status_code=status, media_type="application/json")

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = _templates.get_template(name).render(status_names=STATUS, **ctx)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    # ------------------------------------------------------------------ JSON
    @app.get(f"{PUBLIC}/booking/sites", tags=["booking"])
    async def sites() -> Response:
        """Trung tâm nhận đặt lịch / centers taking bookings, with their services and how far ahead."""
        return json({"sites": [{k: s.get(k) for k in ("site", "name", "name_en", "days_ahead", "slot_minutes",
                                                       "early_min", "late_min")} |
                               {"services": [{k: v.get(k) for k in ("code", "name", "name_en")} for v in s["services"]
                                             if int(v.get("per_slot", 0)) > 0]}
                               for s in store.booking_sites()]})

    @app.get(f"{PUBLIC}/booking/slots", tags=["booking"])
    async def slots(site: str, service: str, day: date) -> Response:
        """Khung giờ còn chỗ / a day's slots for a service with their free places."""
        try:
            await in_thread(lambda: store.sweep_no_shows(now=clock()))
            found = await in_thread(lambda: store.slots(site=site, service=service, day=day, now=clock()))
        except BookingError as exc:
            return err(exc)
        # An official day off (Tết, a national holiday) has no slot; `closed` says why, so a portal can tell it
        # from a day that is simply full.
        closed = await in_thread(lambda: store.closed_reason(day=day))
        return json({"site": site, "service": service, "day": day.isoformat(), "slots": found,
                     **({"closed": closed} if closed else {})})

    @app.post(f"{PUBLIC}/bookings", tags=["booking"], status_code=201)
    async def book(body: BookingIn) -> Response:
        """Đặt lịch / book a slot: 201 with the booking (its `id` for the QR, its `code` to type at the kiosk)."""
        try:
            b = await in_thread(lambda: store.book(site=body.site, service=body.service, day=body.day, slot=body.slot,
                                                   name=body.name, phone=body.phone, id_number=body.id_number,
                                                   notify=body.notify, now=clock()))
        except BookingError as exc:
            return err(exc)
        return json(b, 201)

    @app.get(f"{PUBLIC}/bookings/{{booking_id}}", tags=["booking"])
    async def get_booking(booking_id: str) -> Response:
        """Một lịch hẹn / a booking by its id (the QR's)."""
        b = store.booking(booking_id) if _UUID.match(booking_id) else None
        if b is None:
            return err(BookingError(404, "unknown_booking", "Không tìm thấy lịch hẹn / no such booking"))
        return json(b)

    @app.post(f"{PUBLIC}/bookings/{{booking_id}}/cancel", tags=["booking"])
    async def cancel(booking_id: str) -> Response:
        """Hủy lịch / cancel a booking; its place is free again."""
        if not _UUID.match(booking_id):
            return err(BookingError(404, "unknown_booking", "Không tìm thấy lịch hẹn / no such booking"))
        try:
            return json(await in_thread(lambda: store.cancel_booking(booking_id, now=clock())))
        except BookingError as exc:
            return err(exc)

    # ------------------------------------------------------------------ the page
    @app.get("/book", include_in_schema=False)
    async def book_page(request: Request) -> Response:
        q = request.query_params
        all_sites = store.booking_sites()
        site = next((s for s in all_sites if s["site"] == q.get("site")), None)
        if site is None and len(all_sites) == 1:
            site = all_sites[0]
        days = await in_thread(lambda: store.open_days(site=site["site"], now=clock())) if site else []
        chosen_day = None
        try:
            chosen_day = date.fromisoformat(q["day"]) if q.get("day") else None
        except ValueError:
            pass
        ctx: dict[str, Any] = {"sites": all_sites, "site": site, "days": days, "service": q.get("service", ""),
                               "day": chosen_day, "slots": None, "error": None, "form": {}}
        if site and q.get("service") and chosen_day:
            try:
                await in_thread(lambda: store.sweep_no_shows(now=clock()))
                ctx["slots"] = await in_thread(lambda: store.slots(site=site["site"], service=q["service"],
                                                                   day=chosen_day, now=clock()))
                ctx["error"] = await in_thread(lambda: store.closed_reason(day=chosen_day))
            except BookingError as exc:
                ctx["error"] = exc.message
        return page("book.html", **ctx)

    @app.post("/book", include_in_schema=False)
    async def book_form(request: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode(errors="replace")).items()}
        try:
            day = date.fromisoformat(form.get("day", ""))
            b = await in_thread(lambda: store.book(
                site=form.get("site", ""), service=form.get("service", ""), day=day, slot=form.get("slot", ""),
                name=form.get("name", "")[:200], phone=form.get("phone", "")[:30],
                id_number=form.get("id_number", "")[:20], notify=form.get("notify") == "1", now=clock()))
        except (BookingError, ValueError) as exc:
            message = exc.message if isinstance(exc, BookingError) else "Xin chọn ngày và giờ / choose a day and a slot"
            all_sites = store.booking_sites()
            site = next((s for s in all_sites if s["site"] == form.get("site")), None)
            slots = None
            try:
                slots = store.slots(site=form.get("site", ""), service=form.get("service", ""),
                                    day=date.fromisoformat(form.get("day", "")), now=clock())
            except (BookingError, ValueError):
                pass
            safe = {k: form.get(k, "") for k in ("name", "phone", "slot")}  # never the ID number back
            return page("book.html", 422, sites=all_sites, site=site, service=form.get("service", ""),
                        days=store.open_days(site=site["site"], now=clock()) if site else [],
                        day=form.get("day"), slots=slots, error=message, form=safe)
        return RedirectResponse(f"/book/{b['id']}", status_code=303)

    @app.get("/book/{booking_id}", include_in_schema=False)
    async def booking_page(booking_id: str, request: Request) -> Response:
        b = store.booking(booking_id) if _UUID.match(booking_id) else None
        if b is None:
            return page("booking.html", 404, b=None, qr="")
        url = str(request.base_url).rstrip("/") + f"/book/{b['id']}"
        return page("booking.html", b=b, qr=qr_svg(url) if b["status"] == "booked" else "",
                    done=request.query_params.get("cancelled") == "1")

    @app.post("/book/{booking_id}/cancel", include_in_schema=False)
    async def cancel_form(booking_id: str) -> Response:
        if _UUID.match(booking_id):
            try:
                await in_thread(lambda: store.cancel_booking(booking_id, now=clock()))
            except BookingError as exc:
                log.info("cancel of booking %s refused: %s", booking_id, exc.code)
        return RedirectResponse(f"/book/{booking_id}?cancelled=1", status_code=303)
