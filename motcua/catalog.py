"""Procedure catalog (danh mục thủ tục hành chính): the model, browsing by field, and Vietnamese search.

Search is for a citizen at a kiosk: with or without diacritics, any case, NFC or NFD input (some
on-screen and phone keyboards send decomposed text), đ typed as d, stray spaces. "dang ky khai sinh",
"ĐĂNG KÝ KHAI SINH", "khai sinh" and the initials "dkks" all find "Đăng ký khai sinh". Pure: the
only I/O is `load_catalog`, which reads the JSON format below.

Catalog JSON (the format of assets/catalog/procedures.json and of the central server's catalog feed):

    {"format": 1, "procedures": [{
        "code": "TPHT.01", "service": "TPHT", "name": "Đăng ký khai sinh", "field": "Hộ tịch",
        "processing_time": {"value": 0, "unit": "days" | "hours", "note": "..."?},
        "cutoff": "15:00" | null, "fee": 0, "fee_note": "",
        "documents": [{"name": "...", "originals": 1, "copies": 0, "note": "..."?}],
        "delivery": ["center", "post", "online"], "level": "xã" | "huyện" | "tỉnh"?, "legal_basis": "..."?}]}

A bare list of procedures, or {"procedures": [...]} without "format", is accepted too; unknown keys are
ignored (newer central servers may send more).
"""
from __future__ import annotations

import dataclasses
import enum
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, Literal

from motcua import formats
from motcua.contract import Procedure as WireProcedure

CATALOG_FORMAT = 1
TimeUnit = Literal["days", "hours"]

_NON_WORD = re.compile(r"[^0-9a-z]+")
_CUTOFF = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# Letters that Unicode does not decompose into a base letter and a mark.
_BASE_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o",
                               "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i"})


log = logging.getLogger(__name__)


class CatalogError(ValueError):
    """A catalog file or record that cannot be used: names the file, the procedure and the key."""

    def __init__(self, where: str, key: str, problem: str) -> None:
        self.where, self.key, self.problem = where, key, problem
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class Delivery(enum.Enum):
    """Hình thức nhận kết quả: how the citizen receives the result."""

    CENTER = "center"
    """Tại Bộ phận một cửa (at the center)."""
    POST = "post"
    """Qua dịch vụ bưu chính công ích (by public postal service)."""
    ONLINE = "online"
    """Trực tuyến (online)."""

    @property
    def label_vi(self) -> str:
        """The Vietnamese label shown at the kiosk."""
        return _DELIVERY_VI[self]

    @property
    def label_en(self) -> str:
        """The English label."""
        return _DELIVERY_EN[self]


_DELIVERY_VI = {Delivery.CENTER: "Nhận tại Trung tâm", Delivery.POST: "Nhận qua bưu điện",
                Delivery.ONLINE: "Nhận trực tuyến"}
_DELIVERY_EN = {Delivery.CENTER: "At the center", Delivery.POST: "By post", Delivery.ONLINE: "Online"}


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    """Thời hạn giải quyết: a number of working days or working hours (0 days = within the working day)."""

    value: float
    unit: TimeUnit = "days"
    note: str = ""

    def text_vi(self) -> str:
        """"5 ngày làm việc", "16 giờ làm việc", "Trong ngày làm việc" (motcua.formats)."""
        return formats.processing_time(self.value, self.unit).vi


@dataclass(frozen=True, slots=True)
class RequiredDocument:
    """Thành phần hồ sơ: one required document and how many originals (bản chính) and copies (bản sao)."""

    name: str
    originals: int = 1
    copies: int = 0
    note: str = ""

    @property
    def count(self) -> int:
        """Sheets to bring in total."""
        return self.originals + self.copies

    def text_vi(self) -> str:
        """"Tờ khai … (01 bản chính, 01 bản sao)" as on the appointment slip."""
        parts = []
        if self.originals:
            parts.append(f"{self.originals:02d} bản chính")
        if self.copies:
            parts.append(f"{self.copies:02d} bản sao")
        return f"{self.name} ({', '.join(parts)})" if parts else self.name


@dataclass(frozen=True, slots=True)
class Procedure:
    """Thủ tục hành chính: one procedure of the catalog."""

    code: str
    """Mã thủ tục in the catalog (e.g. "TPHT.01")."""
    name: str
    """Tên thủ tục."""
    service: str
    """Code of the site's service (queue) that handles it, e.g. "TPHT"."""
    field: str
    """Lĩnh vực (e.g. "Hộ tịch"), what the kiosk browses by."""
    processing_time: ProcessingTime
    cutoff: time | None = None
    """Giờ chốt nhận hồ sơ: received after this counts from the next working day."""
    fee: int = 0
    """Phí, lệ phí in đồng (0: free)."""
    fee_note: str = ""
    documents: tuple[RequiredDocument, ...] = ()
    delivery: tuple[Delivery, ...] = (Delivery.CENTER,)
    level: str = ""
    """Cấp thực hiện: "xã", "huyện" or "tỉnh" when known."""
    _index: _SearchIndex | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    @property
    def fee_text(self) -> str:
        """The fee as screens show it: "Miễn phí", "50.000 đ", with its note in brackets (motcua.formats)."""
        return formats.fee_text(self.fee, self.fee_note).vi


# -- normalisation ----------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Search form of a text: no diacritics, đ→d, lower case, words of a–z/0–9 separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # casefold may produce letters that decompose again (e.g. "ǰ"); a second pass makes fold idempotent.
    folded = unicodedata.normalize("NFKD", stripped.casefold().translate(_BASE_LETTERS))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", folded).strip()


def _key_exact(text: str) -> str:
    """Diacritics kept (NFC, case-folded, spaces collapsed): to prefer an exact spelling among equals."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True, slots=True)
class _SearchIndex:
    name: str
    words: tuple[str, ...]
    initials: str
    field_words: tuple[str, ...]
    code: str
    exact: str


def _index(p: Procedure) -> _SearchIndex:
    if p._index is None:
        words = tuple(fold(p.name).split())
        idx = _SearchIndex(name=" ".join(words), words=words, initials="".join(w[0] for w in words if w.isalpha()),
                           field_words=tuple(fold(p.field).split()), code=fold(p.code), exact=_key_exact(p.name))
        object.__setattr__(p, "_index", idx)  # a cache on a frozen record
    assert p._index is not None
    return p._index


def _score(p: Procedure, query: str, tokens: list[str], exact: str) -> float:
    idx = _index(p)
    score = 0.0
    padded = f" {idx.name} "
    if query == idx.name:
        score = 100.0
    elif query == idx.code:
        score = 95.0
    elif idx.name.startswith(query + " ") or (idx.name.startswith(query) and len(query) >= 3):
        score = 80.0
    elif f" {query} " in padded:
        score = 70.0
    elif f" {query}" in padded and len(query) >= 3:
        score = 60.0  # the phrase, its last word still being typed
    elif len(query) >= 2 and idx.code.startswith(query):
        score = 50.0  # "tpht" lists the field's codes
    elif len(tokens) == 1 and len(query) >= 3 and query.isalpha() and idx.initials.startswith(query):
        score = 55.0 if idx.initials == query else 45.0  # "dkks"
    else:
        # Every word of the query must be in the name or the field (exact word, or the start of one).
        hits = 0.0
        for t in tokens:
            if t in idx.words:
                hits += 1.0
            elif any(w.startswith(t) for w in idx.words) and len(t) >= 2:
                hits += 0.7
            elif t in idx.field_words or (len(t) >= 3 and any(w.startswith(t) for w in idx.field_words)):
                hits += 0.4
            else:
                return 0.0
        score = 20.0 + 20.0 * hits / len(tokens)
    if exact and exact in idx.exact:
        score += 3.0  # typed with the right diacritics: "bán" before "ban"
    # Among equals, a shorter name is the closer match.
    return score + 1.0 / (1 + len(idx.words))


def search(procedures: Iterable[Procedure], query: str, *, limit: int | None = None) -> list[Procedure]:
    """Procedures matching a Vietnamese query, best first; diacritics, case, NFC/NFD and spaces do not matter."""
    q = fold(query)
    if not q:
        return []
    tokens = q.split()
    exact = _key_exact(query)
    if exact == fold(exact):
        exact = ""  # typed without diacritics: no spelling to prefer
    scored = [(s, p) for p in procedures if (s := _score(p, q, tokens, exact)) > 0]
    scored.sort(key=lambda sp: (-sp[0], sp[1].code))
    found = [p for _, p in scored]
    return found[:limit] if limit is not None else found


_entries_cache: tuple[int, list[Procedure], dict[str, Mapping[str, Any]]] | None = None


def search_procedures(procedures: Sequence[WireProcedure], query: str, *,
                      limit: int | None = None) -> list[WireProcedure]:
    """`search` over the procedures of the hub's catalog (motcua.contract.Procedure), best first."""
    global _dumps_cache
    if _dumps_cache is None or _dumps_cache[0] is not procedures:
        _dumps_cache = (procedures, [p.model_dump(mode="json") for p in procedures])
    by_code = {p.code: p for p in procedures}
    found = search_entries(_dumps_cache[1], query, limit=limit)
    return [by_code[str(e["code"])] for e in found if str(e["code"]) in by_code]


_dumps_cache: tuple[Sequence[WireProcedure], list[dict[str, Any]]] | None = None


def search_entries(entries: Sequence[Mapping[str, Any]], query: str, *,
                   limit: int | None = None) -> list[Mapping[str, Any]]:
    """`search` over catalog entries as the hub sends them (dicts), returning those dicts, best first;
    an entry that does not parse is skipped (one bad entry from upstream must not hide the rest)."""
    global _entries_cache
    if _entries_cache is None or _entries_cache[0] != id(entries):
        typed: list[Procedure] = []
        by_code: dict[str, Mapping[str, Any]] = {}
        for e in entries:
            try:
                typed.append(procedure_from_dict(e))
            except CatalogError as exc:
                log.warning("catalog entry skipped: %s", exc)
                continue
            by_code[str(e.get("code"))] = e
        _entries_cache = (id(entries), typed, by_code)
    _, typed, by_code = _entries_cache
    return [by_code[p.code] for p in search(typed, query, limit=limit) if p.code in by_code]


# -- browsing ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FieldGroup:
    """Một lĩnh vực: a field with its procedures, for the kiosk's browse screen."""

    name: str
    services: tuple[str, ...]
    procedures: tuple[Procedure, ...]


def fields(procedures: Iterable[Procedure]) -> list[FieldGroup]:
    """The fields in catalog order (first appearance), each with its procedures in catalog order."""
    groups: dict[str, list[Procedure]] = {}
    names: dict[str, str] = {}
    for p in procedures:
        key = fold(p.field)
        groups.setdefault(key, []).append(p)
        names.setdefault(key, p.field)
    return [FieldGroup(name=names[k], services=tuple(dict.fromkeys(p.service for p in ps)), procedures=tuple(ps))
            for k, ps in groups.items()]


def by_field(procedures: Iterable[Procedure], field_name: str) -> list[Procedure]:
    """The procedures of one field (matched like search: "ho tich" is "Hộ tịch"), in catalog order."""
    key = fold(field_name)
    return [p for p in procedures if fold(p.field) == key]


def by_service(procedures: Iterable[Procedure], service: str) -> list[Procedure]:
    """The procedures handled by one service (queue) code, in catalog order."""
    return [p for p in procedures if p.service == service]


# -- loading ----------------------------------------------------------------------------------------------

def _str(d: Mapping[str, Any], key: str, where: str, *, required: bool = True, default: str = "") -> str:
    value = d.get(key)
    if value is None:
        if required:
            raise CatalogError(where, key, "missing (a text is expected)")
        return default
    if not isinstance(value, str):
        raise CatalogError(where, key, f"a text is expected, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if required and not value:
        raise CatalogError(where, key, "must not be empty")
    return value


def _int(d: Mapping[str, Any], key: str, where: str, *, default: int) -> int:
    value = d.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CatalogError(where, key, f"a whole number ≥ 0 is expected, got {value!r}")
    return value


def procedure_from_dict(data: Mapping[str, Any], *, where: str = "procedure") -> Procedure:
    """One procedure from its JSON form; raises CatalogError naming the key."""
    if not isinstance(data, Mapping):
        raise CatalogError(where, "", f"an object is expected, got {type(data).__name__}")
    code = _str(data, "code", where)
    where = f"{where} {code}"
    pt = data.get("processing_time")
    if not isinstance(pt, Mapping):
        raise CatalogError(where, "processing_time", 'an object {"value": N, "unit": "days"|"hours"} is expected')
    value = pt.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise CatalogError(where, "processing_time.value", f"a number ≥ 0 is expected, got {value!r}")
    unit = pt.get("unit", "days")
    if unit not in ("days", "hours"):
        raise CatalogError(where, "processing_time.unit", f'"days" or "hours" is expected, got {unit!r}')
    cutoff_text = data.get("cutoff")
    cutoff = None
    if cutoff_text not in (None, ""):
        m = _CUTOFF.match(str(cutoff_text).strip())
        if not m:
            raise CatalogError(where, "cutoff", f'a time "HH:MM" or null is expected, got {cutoff_text!r}')
        cutoff = time(int(m.group(1)), int(m.group(2)))
    docs_raw = data.get("documents", [])
    if not isinstance(docs_raw, list):
        raise CatalogError(where, "documents", "a list is expected")
    documents = []
    for i, doc in enumerate(docs_raw):
        dw = f"{where} documents[{i}]"
        if not isinstance(doc, Mapping):
            raise CatalogError(dw, "", "an object is expected")
        documents.append(RequiredDocument(name=_str(doc, "name", dw), originals=_int(doc, "originals", dw, default=1),
                                          copies=_int(doc, "copies", dw, default=0),
                                          note=_str(doc, "note", dw, required=False)))
    delivery_raw = data.get("delivery", ["center"])
    if not isinstance(delivery_raw, list) or not delivery_raw:
        raise CatalogError(where, "delivery", 'a non-empty list of "center", "post", "online" is expected')
    try:
        delivery = tuple(dict.fromkeys(Delivery(x) for x in delivery_raw))
    except ValueError:
        raise CatalogError(where, "delivery", f'"center", "post" or "online" expected, got {delivery_raw!r}') from None
    return Procedure(code=code, name=_str(data, "name", where), service=_str(data, "service", where),
                     field=_str(data, "field", where),
                     processing_time=ProcessingTime(value=value, unit=unit,
                                                    note=_str(pt, "note", where, required=False)),
                     cutoff=cutoff, fee=_int(data, "fee", where, default=0),
                     fee_note=_str(data, "fee_note", where, required=False), documents=tuple(documents),
                     delivery=delivery, level=_str(data, "level", where, required=False))


def parse_catalog(data: Any, *, where: str = "catalog") -> list[Procedure]:
    """Procedures from a parsed catalog document (see the module docstring); codes must be unique."""
    if isinstance(data, Mapping):
        fmt = data.get("format", CATALOG_FORMAT)
        if fmt != CATALOG_FORMAT:
            raise CatalogError(where, "format", f"version {CATALOG_FORMAT} is expected, got {fmt!r}")
        items = data.get("procedures")
    else:
        items = data
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise CatalogError(where, "procedures", "a list of procedures is expected")
    out = [procedure_from_dict(item, where=f"{where}: procedures[{i}]") for i, item in enumerate(items)]
    seen: set[str] = set()
    for p in out:
        if p.code in seen:
            raise CatalogError(where, "code", f"duplicate procedure code {p.code!r}")
        seen.add(p.code)
    return out


def load_catalog(path: str | Path) -> list[Procedure]:
    """Read a catalog JSON file (e.g. assets/catalog/procedures.json); raises CatalogError naming the file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(str(p), "", f"cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(str(p), "", f"is not valid UTF-8 JSON: {exc}") from None
    return parse_catalog(data, where=str(p))


def default_catalog_path() -> Path:
    """The shipped seed catalog (assets/catalog/procedures.json)."""
    return Path(__file__).resolve().parent.parent / "assets" / "catalog" / "procedures.json"
