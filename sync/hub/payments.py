"""The hub's fee desk (phí, lệ phí): what a dossier owes and its VietQR, payments, receipts, the report.

A dossier of a procedure with a fee (the catalog's `fee`, in đồng) owes that amount to the account of its
service ([[payment_accounts]] of the site file). Its VietQR is dynamic: the amount and a transfer note
that carries the dossier's code. One payment settles it, recorded either by the clerk (cash, or a
transfer with the bank's reference) or by the central server's status feed (a transfer the province's
bank matched); the first one wins. A payment is stored with a `payment.recorded` event in one
transaction (ARCHITECTURE rule 2), and that event goes upstream with the others.

Personal data: the payer's name (and the collector's) is kept in the payments table for the receipt and
the staff views, never in the event, the dossier view or the report.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import orjson

from motcua.amounts import amount_in_words, format_vnd
from motcua.clock import Clock, iso
from motcua.config import PaymentAccount, SiteConfig
from motcua.contract import EventType
from motcua.queue import Change, Event
from motcua.vietqr import BankAccount, build, transfer_note
from sync.hub.auth import Principal
from sync.hub.errors import ApiError, store_unavailable
from sync.hub.models import PaymentRequest
from sync.store import SiteStore, StoreError
from sync.store.casework import CaseTables, PaymentRow
from sync.store.tables import Op

log = logging.getLogger(__name__)

METHODS = ("cash", "transfer")
MAX_REPORT_DAYS = 366


def account_view(account: PaymentAccount | None, site_agency: str) -> dict[str, Any] | None:
    """A receiving account as screens and receipts show it (no secret in it: it is the agency's)."""
    if account is None:
        return None
    return {"bank_bin": account.bank_bin, "account": account.account, "name": account.name,
            "bank_name": account.bank_name, "agency": account.agency or site_agency, "tax_code": account.tax_code,
            "receipt_form": account.receipt_form, "receipt_series": account.receipt_series}


class Payments:
    """Fees and payments of one site: stored by the hub's writer, read straight from the database."""

    def __init__(self, config: SiteConfig, store: SiteStore, clock: Clock, *,
                 local_day: Callable[[float], str], new_event: Callable[[EventType, dict[str, Any]], Event],
                 catalog: Callable[[], dict[str, dict[str, Any]]]) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.local_day = local_day
        self.new_event = new_event
        """Makes the next event (on the loop only: the engine owns the sequence)."""
        self.catalog = catalog
        self._serials: dict[tuple[str, int], int] = {}
        """Last receipt number per (series, year); cleared when the hub reloads from the database."""
        self._in_flight: set[str] = set()
        """Dossiers whose payment is being committed: a second one must wait for the first's answer."""

    def forget(self) -> None:
        """Drop the cached receipt numbers (the hub reloads from what is durable)."""
        self._serials.clear()

    # ------------------------------------------------------------------ what is owed
    def account_for(self, procedure: dict[str, Any]) -> PaymentAccount | None:
        """The account a procedure's fee goes to (by its service)."""
        return self.config.payment_account(str(procedure.get("service") or ""))

    def fee(self, dossier: dict[str, Any]) -> dict[str, Any] | None:
        """The `fee` of a dossier view: amount, words, the VietQR and whether it is paid; None when free."""
        procedure = self.catalog().get(str(dossier.get("procedure")))
        amount = int((procedure or {}).get("fee") or 0)
        if procedure is None or amount <= 0:
            return None
        account = self.account_for(procedure)
        note = transfer_note(str(dossier.get("code") or ""))
        qr = build(BankAccount(account.bank_bin, account.account), amount=amount, note=note) if account else None
        row = self.store.cases.payment_of(str(dossier["id"]))
        return {"amount": amount, "amount_text": format_vnd(amount), "words": amount_in_words(amount), "note": note,
                "qr": qr, "account": account_view(account, self.config.site.agency),
                "paid": row is not None, "payment": self._public(row) if row else None}

    # ------------------------------------------------------------------ recording
    def _dossier(self, key: str) -> tuple[str, str, str, dict[str, Any]]:
        row = self.store.cases.dossier(key)
        if row is None:
            raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
        return row.id, row.code or row.provisional_code, row.procedure, orjson.loads(row.body)

    def _next_receipt(self, series: str, year: int) -> int:
        key = (series, year)
        last = self._serials.get(key)
        if last is None:
            last = self.store.cases.last_receipt(series, year)
        self._serials[key] = last + 1
        return last + 1

    def _prepare(self, *, payment_id: str, dossier_id: str, code: str, procedure: dict[str, Any], amount: int,
                 method: str, reference: str, source: str, paid_at: float, counter: int | None, collector: str,
                 payer: str, request: dict[str, Any]) -> tuple[PaymentRow, Event]:
        """The row and the event of a new payment (on the loop: receipt numbers and the event sequence)."""
        account = self.account_for(procedure)
        snapshot = account_view(account, self.config.site.agency)
        day = self.local_day(paid_at)
        year = int(day[:4])
        series = account.receipt_series if account else ""
        number = self._next_receipt(series, year)
        body = {"request": request, "dossier_code": code, "account": snapshot}
        row = PaymentRow(id=payment_id, dossier_id=dossier_id, day=day, procedure=procedure["code"], amount=amount,
                         method=method, reference=reference, source=source,
                         account=f"{account.bank_bin}:{account.account}" if account and method == "transfer" else "",
                         receipt_series=series, receipt_year=year, receipt_no=number, counter=counter,
                         collector=collector, payer=payer, paid_at=paid_at, body=orjson.dumps(body).decode())
        event = self.new_event(EventType.PAYMENT_RECORDED, {"payment": self._public(row)})
        return row, event

    async def record(self, key: str, req: PaymentRequest, p: Principal) -> tuple[int, dict[str, Any]]:
        """POST /dossiers/{key}/payments: the clerk took the fee (cash, or a transfer with its reference)."""
        payment_id = str(uuid.UUID(req.id))
        dossier_id, code, procedure_code, dossier_body = self._dossier(key)
        request = req.model_dump()
        existing = self.store.cases.payment_or_dossier(payment_id, dossier_id)
        if existing is not None:
            first = orjson.loads(existing.body)["request"]
            if existing.id == payment_id and existing.dossier_id == dossier_id:
                if first != request:
                    raise ApiError(422, "idempotency_conflict", "Mã thanh toán đã dùng cho nội dung khác / this payment "
                                                                "id was used with another content")
                return 200, self.staff_view(existing)
            if existing.id == payment_id:
                raise ApiError(422, "idempotency_conflict", "Mã thanh toán đã dùng cho hồ sơ khác / this payment id was "
                                                            "used for another dossier")
            how = "tiền mặt" if existing.method == "cash" else "chuyển khoản"
            raise ApiError(409, "already_paid", f"Hồ sơ {code} đã nộp phí ({how}, biên lai số {existing.receipt_no:07d}) / "
                                                f"the fee of dossier {code} is already paid ({existing.method})")
        if dossier_id in self._in_flight:
            raise ApiError(409, "in_progress", "Đang ghi nhận thanh toán của hồ sơ này / this payment is being saved, retry")
        procedure = self.catalog().get(procedure_code)
        amount = int((procedure or {}).get("fee") or 0)
        if procedure is None or amount <= 0:
            raise ApiError(422, "no_fee", f"Thủ tục {procedure_code} không thu phí / procedure {procedure_code} has no fee")
        if req.amount is not None and req.amount != amount:
            raise ApiError(422, "amount_mismatch", f"Số tiền phải là {format_vnd(amount)} / the fee is {amount} đồng, "
                                                   f"not {req.amount}")
        if req.method == "transfer" and not req.reference.strip():
            raise ApiError(422, "reference_required", "Chuyển khoản cần mã giao dịch của ngân hàng / a transfer needs "
                                                      "the bank's reference")
        payer = " ".join((req.payer or (dossier_body.get("applicant") or {}).get("name") or "").split())
        row, event = self._prepare(payment_id=payment_id, dossier_id=dossier_id, code=code, procedure=procedure,
                                  amount=amount, method=req.method, reference=req.reference.strip(),
                                  source=p.role, paid_at=self.clock.time(), counter=p.counter,
                                  collector=" ".join(req.collector.split()), payer=payer, request=request)
        self._in_flight.add(dossier_id)
        try:
            await self.store.submit([Change(event=event)], ops=[CaseTables.insert_payment(row)])
        except StoreError as exc:
            raise store_unavailable() from exc
        finally:
            self._in_flight.discard(dossier_id)
        log.info("fee of dossier %s paid (%s, %d đồng, receipt %s/%d)", code, req.method, amount, row.receipt_series,
                 row.receipt_no)
        return 201, self.staff_view(row)

    def confirmations(self, items: Iterable[dict[str, Any]]) -> tuple[list[Op], list[Event], set[str]]:
        """Transfers the central server confirmed (status feed): (ops, events, dossiers held in flight).

        On the loop. A dossier already paid (or being paid) keeps its payment: a second confirmation is
        logged for the province to settle, and nothing is recorded twice when a page comes again.
        """
        ops: list[Op] = []
        events: list[Event] = []
        held: set[str] = set()
        for item in items:
            dossier_id, payment_id = str(item.get("dossier_id") or ""), str(item.get("id") or "")
            dossier = self.store.cases.dossier_by_id(dossier_id)
            if dossier is None or not payment_id:
                continue
            code = dossier.code or dossier.provisional_code
            existing = self.store.cases.payment_or_dossier(payment_id, dossier_id)
            if existing is not None or dossier_id in self._in_flight or dossier_id in held:
                if existing is not None and existing.id != payment_id:
                    log.warning("the central server confirms a second payment %s for dossier %s, already paid by %s "
                                "(%s): kept out, for the province to settle", payment_id, code, existing.id,
                                existing.method)
                continue
            procedure = self.catalog().get(dossier.procedure) or {"code": dossier.procedure, "service": ""}
            applicant = (orjson.loads(dossier.body).get("applicant") or {}).get("name") or ""
            try:
                amount = int(item.get("amount") or procedure.get("fee") or 0)
                paid_at = float(item.get("at") or self.clock.time())
            except (TypeError, ValueError):
                log.warning("a payment confirmation of dossier %s is malformed: kept out", code)
                continue
            row, event = self._prepare(payment_id=payment_id, dossier_id=dossier_id, code=code,
                                      procedure=procedure, amount=amount, method=str(item.get("method") or "transfer"),
                                      reference=str(item.get("reference") or ""), source="central", paid_at=paid_at,
                                      counter=None, collector="", payer=applicant, request={"central": item})
            ops.append(CaseTables.insert_payment(row))
            events.append(event)
            held.add(dossier_id)
        self._in_flight |= held
        return ops, events, held

    def release(self, held: set[str]) -> None:
        """The confirmations' commit returned: their dossiers may take requests again."""
        self._in_flight -= held

    # ------------------------------------------------------------------ reading
    def _public(self, row: PaymentRow) -> dict[str, Any]:
        """A payment for events and dossier views: no payer, no collector (personal data stays in the table)."""
        body = orjson.loads(row.body)
        return {"id": row.id, "dossier_id": row.dossier_id, "dossier_code": body.get("dossier_code"), "day": row.day,
                "procedure": row.procedure, "amount": row.amount, "method": row.method, "reference": row.reference,
                "source": row.source, "account": row.account,
                "receipt": {"series": row.receipt_series, "year": row.receipt_year, "number": row.receipt_no},
                "counter": row.counter, "paid_at": iso(row.paid_at, self.config.tz)}

    def staff_view(self, row: PaymentRow) -> dict[str, Any]:
        """A payment for the counter and the admin (what the receipt prints), with payer and collector."""
        view = self._public(row)
        body = orjson.loads(row.body)
        account = body.get("account") or account_view(None, self.config.site.agency)
        procedure = self.catalog().get(row.procedure) or {}
        view.update(amount_text=format_vnd(row.amount), words=amount_in_words(row.amount),
                    procedure_name=procedure.get("name") or row.procedure, account_info=account,
                    agency=(account or {}).get("agency") or self.config.site.agency,
                    tax_code=(account or {}).get("tax_code", ""),
                    receipt_form=(account or {}).get("receipt_form", ""), collector=row.collector, payer=row.payer)
        return view

    def get(self, payment_id: str) -> dict[str, Any] | None:
        """A payment by id (staff view)."""
        row = self.store.cases.payment(payment_id)
        return self.staff_view(row) if row else None

    def summary(self, first: str, last: str) -> dict[str, Any]:
        """Payments per day × procedure × method between two local days (inclusive), with totals."""
        try:
            a, b = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise ApiError(422, "invalid_date", "from, to: ngày dạng YYYY-MM-DD / expected YYYY-MM-DD") from None
        if b < a:
            raise ApiError(422, "invalid_range", "to phải sau from / `to` is before `from`")
        if (b - a).days >= MAX_REPORT_DAYS:
            raise ApiError(422, "range_too_long", f"Tối đa {MAX_REPORT_DAYS} ngày / at most {MAX_REPORT_DAYS} days")
        names = {code: p.get("name", code) for code, p in self.catalog().items()}
        out = [{"day": r["day"], "procedure": r["procedure"], "procedure_name": names.get(r["procedure"], r["procedure"]),
                "method": r["method"], "count": int(r["count"]), "amount": int(r["amount"])}
               for r in self.store.cases.payment_totals(a.isoformat(), b.isoformat())]
        by_method = {m: {"count": sum(x["count"] for x in out if x["method"] == m),
                         "amount": sum(x["amount"] for x in out if x["method"] == m)} for m in METHODS}
        return {"from": a.isoformat(), "to": b.isoformat(), "currency": "VND", "rows": out,
                "totals": {"count": sum(x["count"] for x in out), "amount": sum(x["amount"] for x in out),
                           "by_method": by_method},
                "generated_at": iso(self.clock.time(), self.config.tz)}

    def today(self) -> str:
        """The hub's local day."""
        return self.local_day(self.clock.time())
