"""VietQR: the NAPAS EMVCo merchant-presented QR that Vietnamese bank apps scan to pay by transfer.

A payload is a run of EMVCo data objects, each an ID (2 digits), a length (2 digits) and a value
(DOMAIN.md "Fee payment by QR"):

    00 "01"                       payload format indicator
    01 "11" static | "12" dynamic  point of initiation: dynamic carries an amount for one payment
    38 {00 "A000000727"           NAPAS's application id
        01 {00 BIN, 01 ACCOUNT}    the beneficiary bank's 6-digit BIN and the account number
        02 "QRIBFTTA"}             service: transfer to an account (QRIBFTTC: to a card)
    53 "704"                       currency: đồng
    54 AMOUNT                      optional: the amount, digits
    58 "VN"                        country
    62 {08 NOTE}                   optional: purpose of transaction, the transfer note (≤ 25 characters)
    63 CRC                         CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything before
                                   its value, "6304" included, as 4 upper-case hex digits

Values are printable ASCII ("ans" in EMVCo): a transfer note in Vietnamese is folded to ASCII
(`transfer_note`), as bank apps show it anyway. Pure: no I/O; pictures of the code are the adapters' job.
"""
from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
TO_CARD = "QRIBFTTC"
CURRENCY_VND = "704"
COUNTRY = "VN"
STATIC = "11"
DYNAMIC = "12"
MAX_NOTE = 25
"""EMVCo's limit for a sub-field of the additional data template (ID 62)."""
MAX_AMOUNT = 9_999_999_999_999
"""ID 54 holds at most 13 characters."""

_BIN = re.compile(r"^\d{6}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,19}$")
_AMOUNT = re.compile(r"^\d{1,13}$")
_NOTE_CHARS = re.compile(r"[^A-Za-z0-9 .\-]")


class VietQRError(ValueError):
    """A payload that is not a valid VietQR, or values that cannot make one; the message says which part."""


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE of the bytes (binascii's CRC-CCITT started at 0xFFFF)."""
    return binascii.crc_hqx(data, 0xFFFF)


def crc_text(payload_before_crc: str) -> str:
    """The 4 hex digits of ID 63 for a payload that ends with "6304"."""
    return f"{crc16(payload_before_crc.encode('ascii')):04X}"


def tlv(tag: str, value: str) -> str:
    """One data object: ID, length, value (ASCII, at most 99 characters)."""
    if not re.fullmatch(r"\d{2}", tag):
        raise VietQRError(f"ID must be two digits, got {tag!r}")
    if not value or len(value) > 99:
        raise VietQRError(f"ID {tag}: a value of 1 to 99 characters, got {len(value)}")
    if not all(" " <= c <= "~" for c in value):
        raise VietQRError(f"ID {tag}: only printable ASCII may go in a VietQR, got {value!r}")
    return f"{tag}{len(value):02d}{value}"


def parse_tlv(text: str, *, where: str = "") -> list[tuple[str, str]]:
    """Data objects of a payload or template, in order; raises VietQRError on a broken length."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        head = text[i:i + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"{where}at {i}: expected an ID and a length (4 digits), got {head!r}")
        size = int(head[2:])
        value = text[i + 4:i + 4 + size]
        if size == 0 or len(value) != size:
            raise VietQRError(f"{where}ID {head[:2]} at {i}: length {size} runs past the end")
        out.append((head[:2], value))
        i += 4 + size
    return out


@dataclass(frozen=True, slots=True)
class BankAccount:
    """A beneficiary account: the bank's NAPAS BIN and the account (or card) number."""

    bin: str
    number: str
    service: str = TO_ACCOUNT

    def __post_init__(self) -> None:
        if not _BIN.match(self.bin):
            raise VietQRError(f"bank BIN must be 6 digits, got {self.bin!r}")
        if not _ACCOUNT.match(self.number):
            raise VietQRError(f"account number must be 1 to 19 letters or digits, got {self.number!r}")
        if self.service not in (TO_ACCOUNT, TO_CARD):
            raise VietQRError(f"service must be {TO_ACCOUNT} or {TO_CARD}, got {self.service!r}")

    @classmethod
    def parse(cls, text: str) -> BankAccount:
        """"970415:113366668888" (BIN:NUMBER), as `motcua fee qr --account` takes it."""
        bin_, sep, number = text.strip().partition(":")
        if not sep:
            raise VietQRError(f"expected BIN:NUMBER (e.g. 970415:113366668888), got {text!r}")
        return cls(bin_.strip(), number.strip())

    def __str__(self) -> str:
        return f"{self.bin}:{self.number}"


@dataclass(frozen=True, slots=True)
class VietQR:
    """A decoded VietQR payload."""

    account: BankAccount
    amount: int | None
    """The amount in đồng (None: the payer types it, a static code)."""
    note: str
    """The transfer note (purpose of transaction), "" when absent."""
    dynamic: bool
    payload: str
    crc: str


def transfer_note(text: str) -> str:
    """A transfer note bank apps accept: ASCII letters, digits, space, '.', '-', at most 25 characters.

    Vietnamese is folded ("Phí hồ sơ" → "Phi ho so"); other characters are dropped. A longer note keeps
    its end (where a dossier code's serial is) rather than its start.
    """
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c))
    note = " ".join(_NOTE_CHARS.sub(" ", ascii_).split())
    return note[-MAX_NOTE:].strip()


def build(account: BankAccount, *, amount: int | None = None, note: str = "") -> str:
    """The payload: dynamic (ID 01 "12") with an amount, static ("11") without; a note goes in 62/08."""
    if amount is not None:
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
            raise VietQRError(f"amount must be a whole number of đồng from 1 to {MAX_AMOUNT}, got {amount!r}")
    if note and (note != transfer_note(note) or len(note) > MAX_NOTE):
        raise VietQRError(f"note must be ASCII letters, digits, space, '.' or '-', at most {MAX_NOTE} characters "
                          f"(use transfer_note()), got {note!r}")
    beneficiary = tlv("00", account.bin) + tlv("01", account.number)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", account.service)
    out = tlv("00", "01") + tlv("01", STATIC if amount is None else DYNAMIC) + tlv("38", merchant)
    out += tlv("53", CURRENCY_VND)
    if amount is not None:
        out += tlv("54", str(amount))
    out += tlv("58", COUNTRY)
    if note:
        out += tlv("62", tlv("08", note))
    out += "6304"
    return out + crc_text(out)


def parse(payload: str) -> VietQR:
    """Decode and check a payload (structure, NAPAS account block, currency, CRC); VietQRError says what is wrong."""
    text = payload.strip()
    if len(text) < 8 or text[-8:-4] != "6304":
        raise VietQRError("the payload must end with the CRC (ID 63, length 04)")
    got = text[-4:].upper()
    want = crc_text(text[:-4])
    if got != want:
        raise VietQRError(f"CRC mismatch: the payload says {got}, its content gives {want}")
    objects = parse_tlv(text)
    tags = [t for t, _ in objects]
    if tags[0] != "00" or objects[0][1] != "01":
        raise VietQRError("ID 00 (payload format indicator) must come first and be \"01\"")
    if tags[-1] != "63" or tags.count("63") != 1:
        raise VietQRError("ID 63 (CRC) must be the last data object")
    if len(set(tags)) != len(tags):
        raise VietQRError("an ID appears twice")
    root = dict(objects)
    initiation = root.get("01", STATIC)
    if initiation not in (STATIC, DYNAMIC):
        raise VietQRError(f"ID 01 must be 11 (static) or 12 (dynamic), got {initiation!r}")
    if "38" not in root:
        raise VietQRError("no NAPAS account block (ID 38)")
    merchant = dict(parse_tlv(root["38"], where="ID 38: "))
    if merchant.get("00") != NAPAS_GUID:
        raise VietQRError(f"ID 38/00 must be {NAPAS_GUID}, got {merchant.get('00')!r}")
    beneficiary = dict(parse_tlv(merchant.get("01", ""), where="ID 38/01: "))
    try:
        account = BankAccount(beneficiary.get("00", ""), beneficiary.get("01", ""), merchant.get("02", ""))
    except VietQRError as exc:
        raise VietQRError(f"ID 38: {exc}") from None
    if root.get("53") != CURRENCY_VND:
        raise VietQRError(f"ID 53 (currency) must be {CURRENCY_VND}, got {root.get('53')!r}")
    if root.get("58") != COUNTRY:
        raise VietQRError(f"ID 58 (country) must be {COUNTRY}, got {root.get('58')!r}")
    amount = None
    if "54" in root:
        if not _AMOUNT.match(root["54"]) or int(root["54"]) == 0:
            raise VietQRError(f"ID 54 (amount) must be whole đồng, got {root['54']!r}")
        amount = int(root["54"])
    note = ""
    if "62" in root:
        note = dict(parse_tlv(root["62"], where="ID 62: ")).get("08", "")
    return VietQR(account=account, amount=amount, note=note, dynamic=initiation == DYNAMIC, payload=text,
                  crc=got)
