"""Routes of fees (phí, lệ phí): a dossier's fee and VietQR, recording a payment, a receipt, the report."""
from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.responses import Response

from motcua.contract import PaymentReceipt
from sync.hub.deps import Admin, AnyRole, Clerk, HubDep
from sync.hub.errors import API, ApiError, json_response
from sync.hub.models import PaymentRequest

router = APIRouter(tags=["fees"])


@router.get(f"{API}/dossiers/{{key}}/fee")
async def dossier_fee(key: str, hub: HubDep, p: AnyRole) -> Response:
    """Phí của hồ sơ / a dossier's fee: amount (in figures and words), the receiving account, the VietQR
    payload (`qr`, dynamic: amount and a note carrying the dossier code) and whether it is paid.

    `{"fee": null}` for a procedure without a fee; `qr` is null when the site has no receiving account
    (cash only). The payment shown here has no payer name.
    """
    view = hub.dossiers.find(key) if len(key) <= 64 else None
    if view is None:
        raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
    return json_response({"dossier_id": view["id"], "code": view["code"], "fee": hub.payments.fee(view)})


@router.post(f"{API}/dossiers/{{key}}/payments", status_code=201, response_model=PaymentReceipt)
async def record_payment(key: str, body: PaymentRequest, hub: HubDep, p: Clerk) -> Response:
    """Đã thu phí / the clerk took the fee: `cash`, or `transfer` with the bank's `reference`.

    201 with the payment (its provisional receipt number, payer and collector: the receipt's content);
    a repeat of the same `id` and body answers 200 with it. 409 `already_paid` when the dossier's fee was
    already recorded (by the clerk or confirmed by the central server), 422 `no_fee`, `amount_mismatch`
    (the screen showed another amount) or `reference_required`. Devices hear `payment.recorded`.
    """
    status, payment = await hub.payments.record(key, body, p)
    return json_response(payment, status)


@router.get(f"{API}/payments/summary")
async def payments_summary(hub: HubDep, p: Admin, from_: str | None = Query(None, alias="from"),
                           to: str | None = None) -> Response:
    """Báo cáo thu phí / payments per day × procedure × method (admin), local days from `from` to `to`
    inclusive (YYYY-MM-DD, default today; at most 366 days), with totals per method."""
    today = hub.payments.today()
    return json_response(hub.payments.summary(from_ or to or today, to or from_ or today))


@router.get(f"{API}/payments/{{payment_id}}", response_model=PaymentReceipt)
async def payment(payment_id: str, hub: HubDep, p: Clerk) -> Response:
    """Một khoản đã thu / a payment with what its receipt prints (payer included: staff only), to print again."""
    found = hub.payments.get(payment_id) if len(payment_id) <= 64 else None
    if found is None:
        raise ApiError(404, "unknown_payment", "Không có khoản thu này / no such payment")
    return json_response(found)
