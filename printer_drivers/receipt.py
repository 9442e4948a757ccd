"""Fees on paper: the appointment slip's fee block (the VietQR to pay by), and the receipt.

The receipt is the provisional paper form of a "biên lai thu phí, lệ phí" (Decree 11/2020/NĐ-CP,
Circular 303/2016/TT-BTC): form number, series and number; the collecting agency and its tax code; the
payer; the procedure; the amount in figures and in words; the method (cash, or a transfer with the bank's
reference); place and date; payer's and collector's signatures. It stands until the province's system
issues the e-receipt. Like the slip it is one column on 58 or 80 mm, Vietnamese as raster text.

The receipt carries the VietQR of the fee it acknowledges (the agency's account, the amount, the transfer
note with the dossier code) so that the accountant, the citizen's bank app or the province's reconciliation
can match the paper to the transfer by scanning it; it is captioned in bold as already paid ("ĐÃ NỘP …
không chuyển khoản lại"), and a reprinted *slip* of a paid dossier still drops its payment QR, since the slip
is what citizens pay from. The dossier's look-up QR follows, as on the slip. (Here rather than in
layouts.py, which is at its size limit; layouts.slip_job calls `slip_fee_block`.)
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from motcua import formats
from motcua.amounts import amount_in_words, format_vnd
from motcua.vietqr import BankAccount, VietQRError, build, transfer_note
from printer_drivers import texts
from printer_drivers.document import Align, Job, PageBuilder, Paper
from printer_drivers.render import TextStyle
from printer_drivers.styles import Styles, copies_job, place_name

ReceiptCopy = Literal["archive", "customer"]


@dataclass(frozen=True)
class SlipFee:
    """What the slip says about the fee: the amount, and how to pay it (a VietQR, or at the counter)."""

    amount: int
    qr: str = ""
    """The VietQR payload (empty: no receiving account, the fee is paid at the counter)."""
    note: str = ""
    account: str = ""
    bank: str = ""
    holder: str = ""
    paid: str = ""
    """"tiền mặt"/"chuyển khoản" when it is already paid (no QR then), with `receipt`."""
    receipt: str = ""

    @classmethod
    def from_view(cls, fee: Mapping[str, Any] | None) -> SlipFee | None:
        """From the hub's dossier view's `fee` (None for a procedure without a fee)."""
        if not fee or not int(fee.get("amount") or 0):
            return None
        account = fee.get("account") or {}
        payment = fee.get("payment") or {}
        method = {"cash": texts.RECEIPT_CASH.vi, "transfer": texts.RECEIPT_TRANSFER.vi}.get(str(payment.get("method")), "")
        number = (payment.get("receipt") or {}).get("number")
        return cls(amount=int(fee["amount"]), qr="" if payment else str(fee.get("qr") or ""),
                   note=str(fee.get("note") or ""), account=str(account.get("account") or ""),
                   bank=str(account.get("bank_name") or account.get("bank_bin") or ""),
                   holder=str(account.get("name") or ""), paid=method.lower() if payment else "",
                   receipt=f"{int(number):07d}" if number else "")


def slip_fee_block(page: PageBuilder, fee: SlipFee, s: Styles) -> None:
    """The slip's fee block: amount in figures and words, then the VietQR and the account, or how to pay."""
    page.feed(10)
    page.rule(thickness=1, dashed=True)
    page.feed(8)
    page.text(texts.FEE_TITLE.vi.format(amount=format_vnd(fee.amount, unit="đồng")), s.body_bold, align=Align.CENTER)
    page.text(texts.FEE_WORDS.vi.format(words=amount_in_words(fee.amount)), s.small, align=Align.CENTER)
    if fee.paid:
        page.text(texts.FEE_PAID.vi.format(method=fee.paid, number=fee.receipt), s.small, align=Align.CENTER)
    elif fee.qr:
        page.feed(8)
        page.qr(fee.qr, module=s.qr_module, ec="M")
        page.feed(4)
        page.text(texts.FEE_SCAN.vi, s.small, align=Align.CENTER)
        page.text(texts.FEE_ACCOUNT.vi.format(account=fee.account, bank=fee.bank), s.small, align=Align.CENTER)
        if fee.holder:
            page.text(texts.FEE_HOLDER.vi.format(name=fee.holder), s.small, align=Align.CENTER)
        page.text(texts.FEE_NOTE.vi.format(note=fee.note), s.small, align=Align.CENTER)
    else:
        page.text(texts.FEE_AT_COUNTER.vi, s.small, align=Align.CENTER)
    page.feed(4)
    page.rule(thickness=1, dashed=True)


# -- the receipt (biên lai thu phí, lệ phí) ------------------------------------------------------------------


@dataclass(frozen=True)
class FeeReceipt:
    """Biên lai thu phí, lệ phí (provisional paper form)."""

    agency: str
    place: str
    number: int
    payer: str
    procedure: str
    amount: int
    method: Literal["cash", "transfer"]
    paid_at: datetime
    dossier_code: str = ""
    tax_code: str = ""
    form: str = ""
    series: str = ""
    payer_address: str = ""
    reference: str = ""
    to_account: str = ""
    """"BIDV 12010000123456": where a transfer went."""
    confirmed_by_central: bool = False
    collector: str = ""
    lookup_url: str = ""
    qr: str = ""
    """The VietQR of the paid fee (account, amount, note); empty when the site has no receiving account."""

    @property
    def number_text(self) -> str:
        """The receipt number as printed ("0000012")."""
        return f"{self.number:07d}"

    @property
    def words(self) -> str:
        """The amount in words ("Tám mươi nghìn đồng chẵn")."""
        return amount_in_words(self.amount)


def receipt_job(receipt: FeeReceipt, *, paper: Paper | None = None,
                copies: Sequence[ReceiptCopy] = ("customer",)) -> Job:
    """The receipt, one copy after another ("Liên 1: Lưu", "Liên 2: Giao người nộp tiền"), each cut."""
    return copies_job(paper, copies, lambda page, s, copy: _receipt_copy(page, receipt, s, copy),
                      name=f"receipt-{receipt.series or 'x'}-{receipt.number_text}")


def _receipt_copy(page: PageBuilder, r: FeeReceipt, s: Styles, copy: ReceiptCopy) -> None:
    small_bold = TextStyle(s.small.size, True)
    blank = texts.RECEIPT_BLANK.vi
    page.text(texts.RECEIPT_AGENCY.vi.format(agency=r.agency), small_bold, align=Align.CENTER)
    if r.tax_code:
        page.text(texts.RECEIPT_TAX_CODE.vi.format(code=r.tax_code), s.small, align=Align.CENTER)
    page.feed(4)
    page.rule(thickness=1, margin=page.width // 3)
    page.feed(8)
    page.text(texts.SLIP_MOTTO_1.vi, small_bold, align=Align.CENTER)
    page.text(texts.SLIP_MOTTO_2.vi, small_bold, align=Align.CENTER)
    page.feed(2)
    page.rule(thickness=1, margin=page.width // 4)
    page.feed(10)
    page.text(texts.RECEIPT_TITLE.vi, s.heading, align=Align.CENTER)
    page.text(texts.RECEIPT_PROVISIONAL.vi, s.small, align=Align.CENTER)
    page.feed(4)
    page.columns([(texts.RECEIPT_FORM.vi.format(form=r.form or blank), s.small),
                  (texts.RECEIPT_SERIES.vi.format(series=r.series or blank), s.small)])
    page.text(texts.RECEIPT_NUMBER.vi.format(number=r.number_text), s.body_bold, align=Align.CENTER)
    copy_text = texts.RECEIPT_COPY_ARCHIVE if copy == "archive" else texts.RECEIPT_COPY_CUSTOMER
    page.text(copy_text.vi, s.small, align=Align.CENTER)
    page.feed(10)
    hang = s.body.size
    body = s.body
    page.text(texts.RECEIPT_PAYER.vi.format(name=r.payer or blank), s.body_bold, hanging=hang)
    if r.payer_address:
        page.text(texts.RECEIPT_ADDRESS.vi.format(address=r.payer_address), body, hanging=hang)
    if r.dossier_code:
        page.text(texts.RECEIPT_DOSSIER.vi.format(code=r.dossier_code), body, hanging=hang)
    page.text(texts.RECEIPT_ITEM.vi.format(procedure=r.procedure), body, hanging=hang)
    page.text(texts.RECEIPT_AMOUNT.vi.format(amount=format_vnd(r.amount, unit="đồng")), s.body_bold, hanging=hang)
    page.text(texts.RECEIPT_WORDS.vi.format(words=r.words), body, hanging=hang)
    method = texts.RECEIPT_TRANSFER if r.method == "transfer" else texts.RECEIPT_CASH
    page.text(texts.RECEIPT_METHOD.vi.format(method=method.vi), body, hanging=hang)
    if r.method == "transfer":
        if r.to_account:
            page.text(texts.RECEIPT_TO_ACCOUNT.vi.format(account=r.to_account), body, hanging=hang)
        if r.reference:
            page.text(texts.RECEIPT_REFERENCE.vi.format(reference=r.reference), body, hanging=hang)
        if r.confirmed_by_central:
            page.text(texts.RECEIPT_CONFIRMED.vi, s.small, hanging=hang)
    page.feed(8)
    d = r.paid_at
    page.text(texts.SLIP_PLACE_DATE.vi.format(place=r.place, date=formats.date_vi(d)), s.small,
              align=Align.CENTER)
    page.printer_text(d.strftime("%H:%M"), align=Align.CENTER)
    if r.qr:
        page.feed(8)
        page.qr(r.qr, module=s.qr_module, ec="M")
        page.feed(4)
        page.text(texts.RECEIPT_QR_PAID.vi, small_bold, align=Align.CENTER)
    if r.lookup_url:
        page.feed(20 if r.qr else 8)  # apart from the VietQR's caption: each caption under its own code
        page.qr(r.lookup_url, module=s.qr_module, ec="M")
        page.feed(4)
        page.text(texts.SLIP_SCAN.vi, s.small, align=Align.CENTER)
    page.feed(14)
    page.columns([(texts.RECEIPT_SIGN_PAYER.vi, small_bold), (texts.RECEIPT_SIGN_COLLECTOR.vi, small_bold)])
    page.columns([(texts.SLIP_SIGN_HINT.vi, s.small), (texts.SLIP_SIGN_HINT.vi, s.small)])
    page.feed(90)
    page.columns([(r.payer or " ", s.small), (r.collector or " ", s.small)])
    page.feed(8)


def receipt_for_payment(payment: Mapping[str, Any], site: Mapping[str, Any], *, lookup_url: str = "",
                        payer_address: str = "", collector: str = "") -> FeeReceipt:
    """The receipt of a payment as the hub returns it to staff (POST /dossiers/{key}/payments, GET /payments/{id}),
    with the hub's /site document for the place and the time zone."""
    center = site.get("site", site)
    tz = ZoneInfo(str(center.get("timezone") or "Asia/Ho_Chi_Minh"))
    account = payment.get("account_info") or {}
    to_account = ""
    if payment.get("method") == "transfer" and payment.get("account"):
        number = str(payment["account"]).partition(":")[2]
        to_account = f"{account.get('bank_name') or account.get('bank_bin') or ''} {number}".strip()
    receipt = payment.get("receipt") or {}
    return FeeReceipt(qr=paid_fee_qr(payment),
        agency=str(payment.get("agency") or center.get("agency") or center.get("name", "")),
        tax_code=str(payment.get("tax_code") or ""),
        place=place_name(str(center.get("name", "")), str(center.get("address", ""))),
        form=str(payment.get("receipt_form") or ""), series=str(receipt.get("series") or ""),
        number=int(receipt.get("number") or 0), payer=str(payment.get("payer") or ""), payer_address=payer_address,
        dossier_code=str(payment.get("dossier_code") or ""),
        procedure=str(payment.get("procedure_name") or payment.get("procedure") or ""),
        amount=int(payment["amount"]), method="transfer" if payment.get("method") == "transfer" else "cash",
        reference=str(payment.get("reference") or ""), to_account=to_account,
        confirmed_by_central=payment.get("source") == "central",
        paid_at=datetime.fromisoformat(str(payment["paid_at"])).astimezone(tz),
        collector=collector or str(payment.get("collector") or ""), lookup_url=lookup_url)


def paid_fee_qr(payment: Mapping[str, Any]) -> str:
    """The VietQR a receipt prints: the account the fee went to (a transfer's own, else the service's), the
    amount and the dossier's transfer note — the same payload the slip showed before it was paid."""
    bin_, _, number = str(payment.get("account") or "").partition(":")
    if not number:
        info = payment.get("account_info") or {}
        bin_, number = str(info.get("bank_bin") or ""), str(info.get("account") or "")
    if not (bin_ and number):
        return ""
    try:
        return build(BankAccount(bin_, number), amount=int(payment["amount"]),
                     note=transfer_note(str(payment.get("dossier_code") or "")))
    except VietQRError:  # an account the site file let through but NAPAS would not: print the rest
        return ""


def sample_receipt(site: Any) -> FeeReceipt:
    """A realistic receipt for a land procedure paid by transfer at the example site (docs, `motcua print`)."""
    account = site.payment_account("DD") if site.payment_accounts else None
    return FeeReceipt(
        agency=(account.agency if account and account.agency else site.site.agency or site.site.name),
        tax_code=account.tax_code if account else "", form=account.receipt_form if account else "",
        series=account.receipt_series if account else "", number=12,
        place=place_name(site.site.name, site.site.address),
        payer="Nguyễn Thị Hồng Nhung", payer_address="Số 25 đường Ngô Gia Tự, phường Suối Hoa, tỉnh Bắc Ninh",
        dossier_code=f"{site.site.agency_code or site.site.code}-261204-0007",
        procedure="Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", amount=80_000,
        method="transfer", reference="FT26338912345678",
        to_account=f"{account.bank_name} {account.account}" if account else "",
        paid_at=datetime(2026, 12, 4, 9, 31, tzinfo=site.tz), collector="Trần Văn Đức",
        qr=build(BankAccount(account.bank_bin, account.account), amount=80_000,
                 note=transfer_note(f"{site.site.agency_code or site.site.code}-261204-0007")) if account else "",
        lookup_url=f"{site.site.public_url.rstrip('/')}/d/3b2f5a9e-8c41-4d7a-b0e2-5f6a7c8d9e01")
