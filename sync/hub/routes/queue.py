"""Routes of the queue: the site document, the board, tickets and counters (devices: routes/devices.py)."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from starlette.responses import Response

from motcua.contract import BoardState, CounterDetail, SiteDocument, TicketList, TicketView
from motcua.queue import Change, QueueEngine, QueueError, Ticket
from sync.hub.auth import Principal, own_counter
from sync.hub.deps import AnyRole, Clerk, HubDep, Issuer
from sync.hub.errors import API, ApiError, json_response
from sync.hub.models import IssueRequest, TicketRef, TransferRequest
from sync.hub.service import Hub, called_ticket

router = APIRouter()


@router.get(f"{API}/site", tags=["site"], response_model=SiteDocument)
async def site(hub: HubDep, p: AnyRole) -> Response:
    """Dịch vụ, quầy, đối tượng ưu tiên / services, counters, priority categories, texts."""
    return json_response(hub.site_document())


@router.get(f"{API}/board", tags=["site"], response_model=BoardState)
async def board(hub: HubDep, p: AnyRole) -> Response:
    """Trạng thái màn hình sảnh / the board's state (with the open help requests of the kiosks)."""
    return json_response({**hub.engine.board(), "help_requests": hub.help.view()})


@router.get(f"{API}/tickets/{{ticket_id}}", tags=["tickets"], response_model=TicketView)
async def get_ticket(ticket_id: str, hub: HubDep, p: AnyRole) -> Response:
    """Một phiếu / one ticket."""
    view = hub.find_ticket(ticket_id) if len(ticket_id) <= 64 else None
    if view is None:
        raise ApiError(404, "unknown_ticket", "Không tìm thấy số này / no such ticket")
    return json_response(view)


@router.get(f"{API}/tickets", tags=["tickets"], response_model=TicketList)
async def list_tickets(hub: HubDep, p: AnyRole, status: str | None = None, service: str | None = None) -> Response:
    """Phiếu hôm nay / today's tickets, optionally by status and service, in queue order."""
    items = [t for t in hub.engine.tickets.values()
             if (status is None or t.status.value == status) and (service is None or t.service == service)]
    items.sort(key=lambda t: (t.priority is None, t.issued_at, t.number))
    return json_response({"day": hub.engine.day, "tickets": [hub.engine.view(t) for t in items]})


@router.post(f"{API}/tickets", status_code=201, tags=["tickets"], response_model=TicketView)
async def issue(body: IssueRequest, hub: HubDep, p: Issuer) -> Response:
    """Cấp số / take a number: 201 with the ticket once it is durably stored.

    Served by the fast path (sync.hub.fastpath); this route carries its OpenAPI description.
    """
    return json_response(await hub.issue_ticket(p, body), 201)


def _called(changes: list[Change]) -> Response:
    ticket = called_ticket(changes)
    return Response(status_code=204) if ticket is None else json_response(ticket)


@router.post(f"{API}/counters/{{n}}/next", tags=["counters"], response_model=TicketView,
             responses={204: {"description": "Không còn ai chờ"}})
async def call_next(n: int, hub: HubDep, p: Clerk) -> Response:
    """Gọi số tiếp theo / call next: 200 with the called ticket, 204 when nobody waits.

    Served by the fast path (sync.hub.fastpath); this route carries its OpenAPI description.
    """
    ticket = await hub.call_next(p, n)
    return Response(status_code=204) if ticket is None else json_response(ticket)


def _serves(hub: Hub, p: Principal, n: int, body: TicketRef) -> Ticket:
    """The ticket a call or restore names, if counter n serves its service (admin: any); QueueError otherwise.

    Runs inside Hub.run, after the day check, so that a refusal still commits a rollover. A 409, not a 403:
    the clerk asked for the wrong number, the token is fine (devices take a 403 as a token to replace).
    """
    t = hub.engine.find(ticket_id=body.ticket, display=body.display, service=body.service)
    cfg = hub.config.counter(n)
    if p.role != "admin" and cfg is not None and t.service not in cfg.services:
        raise QueueError("not_this_counters_service", f"Quầy {n} không phục vụ dịch vụ của số {t.display} / "
                                                      f"counter {n} does not serve this ticket's service")
    return t


@router.post(f"{API}/counters/{{n}}/call", tags=["counters"], response_model=TicketView)
async def call_specific(n: int, body: TicketRef, hub: HubDep, p: Clerk) -> Response:
    """Gọi một số cụ thể (kể cả số đã bỏ qua) / call a given ticket of this counter's services out of order."""
    own_counter(p, n)
    if not body.ticket and not body.display:
        raise ApiError(422, "invalid_request", "ticket hoặc display là bắt buộc / give ticket or display")

    def op() -> list[Change]:
        t = _serves(hub, p, n, body)
        return hub.engine.call_specific(n, ticket_id=t.id)

    return _called(await hub.run(op))


@router.post(f"{API}/counters/{{n}}/restore", tags=["counters"])
async def restore(n: int, body: TicketRef, hub: HubDep, p: Clerk) -> Response:
    """Đưa số vắng mặt trở lại hàng đợi / put a skipped ticket of this counter's services back in its queue."""
    own_counter(p, n)
    if not body.ticket and not body.display:
        raise ApiError(422, "invalid_request", "ticket hoặc display là bắt buộc / give ticket or display")

    def op() -> Change:
        t = _serves(hub, p, n, body)
        return hub.engine.restore(n, ticket_id=t.id)

    ch = await hub.run(op)
    return json_response(hub.engine.view(ch[-1].ticket) if ch[-1].ticket else {})


def _ticket_op(name: str, op: Callable[[QueueEngine, int], Change], doc: str) -> None:
    async def endpoint(n: int, hub: HubDep, p: Clerk) -> Response:
        own_counter(p, n)
        ch = await hub.run(lambda: op(hub.engine, n))
        return json_response(ch[-1].event.data.get("ticket") or ch[-1].event.data.get("counter"))

    endpoint.__doc__ = doc
    router.post(f"{API}/counters/{{n}}/{name}", tags=["counters"], name=f"counter_{name}")(endpoint)


_ticket_op("recall", QueueEngine.recall, "Gọi lại / announce the current ticket again.")
_ticket_op("skip", QueueEngine.skip, "Bỏ qua (vắng mặt) / the citizen did not come.")
_ticket_op("complete", QueueEngine.complete, "Hoàn thành / served.")
_ticket_op("pause", QueueEngine.pause, "Tạm dừng quầy / pause the counter.")
_ticket_op("resume", QueueEngine.resume, "Mở lại quầy / resume the counter.")


@router.post(f"{API}/counters/{{n}}/transfer", tags=["counters"], response_model=TicketView)
async def transfer(n: int, body: TransferRequest, hub: HubDep, p: Clerk) -> Response:
    """Chuyển số sang dịch vụ khác (giữ thời gian lấy số) / transfer the current ticket."""
    own_counter(p, n)
    ch = await hub.run(lambda: hub.engine.transfer(n, body.service))
    return json_response(ch[-1].event.data["ticket"])


@router.get(f"{API}/counters/{{n}}", tags=["counters"], response_model=CounterDetail)
async def counter_state(n: int, hub: HubDep, p: AnyRole) -> Response:
    """Trạng thái một quầy / one counter's state, with how many wait for its services."""
    cfg = hub.config.counter(n)
    if cfg is None:
        raise ApiError(404, "unknown_counter", f"Không có quầy số {n} / no counter {n}")
    view = hub.engine.counter_view(hub.engine.counters[n])
    view["services"] = list(cfg.services)
    view["waiting"] = sum(len(hub.engine.queues[s]) for s in cfg.services)
    # Bookings checked in on time wait in the priority line with their slot's start (motcua.booking).
    view["waiting_booked"] = sum(1 for s in cfg.services for t in hub.engine.queues[s].priority
                                 if t.not_before is not None)
    cur = hub.engine.tickets.get(hub.engine.counters[n].current or "")
    view["current"] = hub.engine.view(cur) if cur else None
    return json_response(view)
