"""The SQL of the hub's dossier and payment tables (dossiers, dossier_files, dossier_status, audit, payments),
with their rows as named records, for the hub's dossier and payment services (sync.hub.dossiers,
sync.hub.payments). Like sync.store.tables: reads by column name, writes returned as statements for the
store's writer.
"""
from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sync.store.tables import Op, Reader

_DOSSIER_COLS = ("id", "provisional_code", "code", "day", "procedure", "status", "body", "submitted_at", "status_at",
                 "linked_at", "erased_at")
_PAYMENT_COLS = ("id", "dossier_id", "day", "procedure", "amount", "method", "reference", "source", "account",
                 "receipt_series", "receipt_year", "receipt_no", "counter", "collector", "payer", "paid_at", "body")
_SELECT_DOSSIER = f"SELECT {', '.join(_DOSSIER_COLS)} FROM dossiers"
_SELECT_PAYMENT = f"SELECT {', '.join(_PAYMENT_COLS)} FROM payments"
_INSERT_DOSSIER = f"INSERT INTO dossiers ({', '.join(_DOSSIER_COLS)}) VALUES ({', '.join('?' * len(_DOSSIER_COLS))})"
_INSERT_FILE = "INSERT INTO dossier_files (dossier_id, position, sha256, name, size, mime) VALUES (?, ?, ?, ?, ?, ?)"
_INSERT_PAYMENT = f"INSERT INTO payments ({', '.join(_PAYMENT_COLS)}) VALUES ({', '.join('?' * len(_PAYMENT_COLS))})"
_AUDIT = ("INSERT INTO audit (at, token_name, role, client, action, dossier_id, detail) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")


@dataclass(frozen=True, slots=True)
class DossierRow:
    """A row of the dossiers table. `body` is the JSON the central server receives (DossierIn)."""

    id: str
    provisional_code: str
    code: str | None
    day: str
    procedure: str
    status: str
    body: str
    submitted_at: float
    status_at: float | None
    linked_at: float | None
    erased_at: float | None

    @classmethod
    def of(cls, row: sqlite3.Row) -> DossierRow:
        """From a row read by name."""
        return cls(**{k: row[k] for k in _DOSSIER_COLS})


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A row of the payments table. `payer` and `collector` are for the receipt only; `body` keeps the request,
    the dossier's code and the account as it was."""

    id: str
    dossier_id: str
    day: str
    procedure: str
    amount: int
    method: str
    reference: str
    source: str
    account: str
    receipt_series: str
    receipt_year: int
    receipt_no: int
    counter: int | None
    collector: str
    payer: str
    paid_at: float
    body: str

    @classmethod
    def of(cls, row: sqlite3.Row) -> PaymentRow:
        """From a row read by name."""
        return cls(**{k: row[k] for k in _PAYMENT_COLS})


def _values(record: DossierRow | PaymentRow) -> tuple[Any, ...]:
    return dataclasses.astuple(record)


class CaseTables:
    """Reads of the dossier and payment tables over a Reader, and the statements that change them."""

    def __init__(self, read: Reader) -> None:
        self.read = read

    # ------------------------------------------------------------------ dossiers
    def dossier(self, key: str) -> DossierRow | None:
        """A dossier by id, provisional code or official code."""
        rows = self.read(f"{_SELECT_DOSSIER} WHERE id = ? OR provisional_code = ? OR code = ?", (key, key, key))
        return DossierRow.of(rows[0]) if rows else None

    def dossier_by_id(self, dossier_id: str) -> DossierRow | None:
        """A dossier by its UUID only."""
        rows = self.read(f"{_SELECT_DOSSIER} WHERE id = ?", (dossier_id,))
        return DossierRow.of(rows[0]) if rows else None

    def provisional_codes(self, day: str) -> list[str]:
        """The provisional codes given on a local day."""
        return [r["provisional_code"] for r in self.read("SELECT provisional_code FROM dossiers WHERE day = ?", (day,))]

    def statuses(self, dossier_id: str) -> list[sqlite3.Row]:
        """The statuses the central server gave a dossier, oldest first: status, at."""
        return self.read("SELECT status, at FROM dossier_status WHERE dossier_id = ? ORDER BY at", (dossier_id,))

    def past_retention(self, cutoff: float, limit: int = 500) -> list[DossierRow]:
        """Dossiers confirmed upstream at or before `cutoff` whose personal data is still kept, oldest first."""
        return [DossierRow.of(r) for r in self.read(
            f"{_SELECT_DOSSIER} WHERE erased_at IS NULL AND code IS NOT NULL AND linked_at IS NOT NULL "
            "AND linked_at <= ? ORDER BY linked_at LIMIT ?", (cutoff, limit))]

    def files_of(self, dossier_id: str) -> list[str]:
        """The sha256 of a dossier's files."""
        return [r["sha256"] for r in self.read("SELECT sha256 FROM dossier_files WHERE dossier_id = ?", (dossier_id,))]

    def files_in_use(self) -> set[str]:
        """Every file some dossier still names."""
        return {r["sha256"] for r in self.read("SELECT DISTINCT sha256 FROM dossier_files", ())}

    def files_to_keep(self, keep_after: float) -> list[sqlite3.Row]:
        """Each stored file (sha256) and whether a dossier still needs it (keep: not confirmed upstream before
        `keep_after`)."""
        return self.read(
            "SELECT f.sha256 AS sha256, MAX(CASE WHEN d.code IS NULL OR d.linked_at IS NULL OR d.linked_at >= ? "
            "THEN 1 ELSE 0 END) AS keep FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id GROUP BY f.sha256",
            (keep_after,))

    @staticmethod
    def insert_dossier(row: DossierRow, files: Iterable[dict[str, Any]]) -> list[Op]:
        """A new dossier and its files, in the order given."""
        return [(_INSERT_DOSSIER, _values(row)),
                *((_INSERT_FILE, (row.id, i, f["sha256"], f["name"], f["size"], f["mime"])) for i, f in enumerate(files))]

    @staticmethod
    def erase(dossier_id: str, scrubbed_body: str, now: float) -> list[Op]:
        """Erase a dossier's personal data: its body scrubbed, its files unlisted, the payer's name on its receipt."""
        return [("UPDATE dossiers SET body = ?, erased_at = ? WHERE id = ? AND erased_at IS NULL",
                 (scrubbed_body, now, dossier_id)),
                ("DELETE FROM dossier_files WHERE dossier_id = ?", (dossier_id,)),
                # The payer's name was kept for reprinting the receipt; the paper receipts are the record.
                ("UPDATE payments SET payer = '', body = json_remove(body, '$.request.payer') WHERE dossier_id = ?",
                 (dossier_id,))]

    @staticmethod
    def audit(*, at: float, token_name: str, role: str, client: str, action: str, dossier_id: str = "",
              detail: str = "") -> Op:
        """Record that someone read a dossier's personal data, or used an operational control (dossier_id '')."""
        return _AUDIT, (at, token_name, role, client, action, dossier_id, detail)

    # ------------------------------------------------------------------ payments
    def payment(self, payment_id: str) -> PaymentRow | None:
        """A payment by id."""
        rows = self.read(f"{_SELECT_PAYMENT} WHERE id = ?", (payment_id,))
        return PaymentRow.of(rows[0]) if rows else None

    def payment_of(self, dossier_id: str) -> PaymentRow | None:
        """A dossier's payment (at most one)."""
        rows = self.read(f"{_SELECT_PAYMENT} WHERE dossier_id = ?", (dossier_id,))
        return PaymentRow.of(rows[0]) if rows else None

    def payment_or_dossier(self, payment_id: str, dossier_id: str) -> PaymentRow | None:
        """The payment with this id, or the one of this dossier."""
        rows = self.read(f"{_SELECT_PAYMENT} WHERE id = ? OR dossier_id = ?", (payment_id, dossier_id))
        return PaymentRow.of(rows[0]) if rows else None

    def last_receipt(self, series: str, year: int) -> int:
        """The highest receipt number of a series and year (0: none yet)."""
        return int(self.read("SELECT COALESCE(MAX(receipt_no), 0) AS n FROM payments WHERE receipt_series = ? "
                             "AND receipt_year = ?", (series, year))[0]["n"])

    def payment_totals(self, first: str, last: str) -> list[sqlite3.Row]:
        """Per day × procedure × method between two local days: day, procedure, method, count, amount."""
        return self.read("SELECT day, procedure, method, COUNT(*) AS count, SUM(amount) AS amount FROM payments "
                         "WHERE day BETWEEN ? AND ? GROUP BY day, procedure, method ORDER BY day, procedure, method",
                         (first, last))

    @staticmethod
    def insert_payment(row: PaymentRow) -> Op:
        """A new payment."""
        return _INSERT_PAYMENT, _values(row)
