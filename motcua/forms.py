"""Tờ khai điện tử: electronic declaration forms — definitions, validation, pre-fill from the CCCD.

A procedure with a declaration (tờ khai, đơn, giấy đề nghị) carries its form definition in the catalog,
under the procedure's `"form"` key, so that the central server's catalog feed updates forms with their
procedure. The shipped definitions are in assets/catalog/forms.json (each names its procedures) and are
attached to the shipped catalog by `attach_forms`.

Form JSON (one entry of forms.json's "forms", or a procedure's "form"):

    {"id": "TP-KS", "version": 1, "procedures": ["TPHT.01"],
     "title": "TỜ KHAI ĐĂNG KÝ KHAI SINH", "title_en": "...", "form_no": "Mẫu ... (Thông tư ...)",
     "legal_basis": "...", "addressee": "to",               # the field printed after "Kính gửi:"
     "sections": [{"title": "...", "title_en": "...", "fields": [
        {"key": "requester_name", "label": "Họ, chữ đệm, tên người yêu cầu", "label_en": "...",
         "type": "text" | "date" | "year" | "cccd" | "phone" | "email" | "choice" | "admin_unit" | "number",
         "required": true, "max_length": 100, "prefill": "cccd.name", "note": "...",
         "choices": [{"value": "Nam", "label": "Nam", "label_en": "Male"}], "min": 1, "max": 99,
         "in_words": true, "default": "...", "uppercase": false}]}],
     "pledge": "Tôi cam đoan ...", "signer": "NGƯỜI YÊU CẦU", "signer_note": "(Ký, ghi rõ họ, chữ đệm, tên)",
     "signer_field": "requester_name"}

A filled form travels with the dossier as `{"form": ID, "version": N, "values": {KEY: TEXT}}`: every value
is text, dates ISO (YYYY-MM-DD), a unit as written ("Phường Kinh Bắc, tỉnh Bắc Ninh"). It is personal data.
"""
from __future__ import annotations

import enum
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any

from motcua import admin_units
from motcua.cccd import CitizenId
from motcua.speech import read_number

FORMS_FORMAT = 1
FORMS_PATH = Path(__file__).resolve().parent.parent / "assets" / "catalog" / "forms.json"
MAX_VALUE = 500
"""Longest value of any field (an address, a business line); a field's max_length may say less."""
EARLIEST_YEAR = 1880

PREFILL_SOURCES = ("cccd.id", "cccd.old_id", "cccd.name", "cccd.dob", "cccd.gender", "cccd.address", "cccd.issued")
"""What the citizen-ID card's QR gives a form: number, old number, name, date of birth, sex, address, issue date."""

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^0\d{9,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class FormError(ValueError):
    """A form definition that cannot be used: names where, the key and what is wrong."""

    def __init__(self, where: str, key: str, problem: str) -> None:
        self.where, self.key, self.problem = where, key, problem
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class FieldType(enum.Enum):
    """Kiểu trường: what a field holds, which decides its picker at the kiosk and its validation."""

    TEXT = "text"
    DATE = "date"
    YEAR = "year"
    CCCD = "cccd"
    """Số định danh cá nhân: 12 digits."""
    PHONE = "phone"
    EMAIL = "email"
    CHOICE = "choice"
    ADMIN_UNIT = "admin_unit"
    """A commune/ward and its province, from the national list (motcua.admin_units)."""
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice field."""

    value: str
    label: str
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class FormField:
    """Một mục của tờ khai: one field, labelled as on the official form."""

    key: str
    label: str
    """The official form's wording ("Họ, chữ đệm, tên người yêu cầu")."""
    label_en: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    max_length: int = 200
    prefill: str = ""
    """One of PREFILL_SOURCES, or "" (nothing comes from the card)."""
    note: str = ""
    """The official form's footnote or a hint, shown under the field."""
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    in_words: bool = False
    """A date also written in words on the printed page ("ghi bằng chữ")."""
    default: str = ""
    uppercase: bool = False
    """Written in capitals on the form (a child's or a business's name)."""
    inline: bool = False
    """Printed on the same line as the field before it ("Giới tính: … Dân tộc: … Quốc tịch: …")."""
    print_label: str | None = None
    """The label on the printed page when it differs ("" joins the value to the line before with a comma)."""

    @property
    def page_label(self) -> str:
        """The label as the printed form shows it."""
        return self.label if self.print_label is None else self.print_label

    def choice_label(self, value: str) -> str:
        """The label of a choice value (the value itself when unknown)."""
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True, slots=True)
class FormSection:
    """A part of the form under its own heading (the heading may be empty)."""

    title: str
    title_en: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True, slots=True)
class FormDefinition:
    """Mẫu tờ khai: a declaration form of one or more procedures."""

    id: str
    version: int
    title: str
    title_en: str
    form_no: str
    """Which official form it is ("Mẫu ban hành kèm theo Thông tư số 04/2020/TT-BTP")."""
    sections: tuple[FormSection, ...]
    legal_basis: str = ""
    addressee: str = ""
    """Key of the field printed after "Kính gửi:" ("" when the form has none)."""
    pledge: str = ""
    """Lời cam đoan above the signature."""
    signer: str = "NGƯỜI YÊU CẦU"
    signer_note: str = "(Ký, ghi rõ họ, chữ đệm, tên)"
    signer_field: str = ""
    """Key of the field whose value is written under the signature."""
    procedures: tuple[str, ...] = ()
    _by_key: dict[str, FormField] = dc_field(default_factory=dict, repr=False, compare=False)

    def fields(self) -> Iterator[FormField]:
        """Every field, in form order."""
        for s in self.sections:
            yield from s.fields

    def field(self, key: str) -> FormField | None:
        """A field by key."""
        return self._by_key.get(key)


@dataclass(frozen=True, slots=True)
class FieldError:
    """What is wrong with one field's value, in Vietnamese and English (shown beside the field)."""

    key: str
    code: str
    """"missing" or "invalid"."""
    message_vi: str
    message_en: str

    def to_json_dict(self) -> dict[str, str]:
        """As the hub's 422 answer lists it."""
        return {"key": self.key, "code": self.code, "message": f"{self.message_vi} / {self.message_en}"}


# -- reading definitions --------------------------------------------------------------------------------

def _text(d: Mapping[str, Any], key: str, where: str, *, required: bool = False, default: str = "") -> str:
    value = d.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        raise FormError(where, key, f"a text is expected, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", value.strip())
    if required and not value:
        raise FormError(where, key, "must not be empty")
    return value


def _opt_int(d: Mapping[str, Any], key: str, where: str) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormError(where, key, f"a whole number is expected, got {value!r}")
    return value


def field_from_dict(data: Mapping[str, Any], *, where: str) -> FormField:
    """One field from its JSON form; FormError names the key."""
    if not isinstance(data, Mapping):
        raise FormError(where, "", "an object is expected")
    key = _text(data, "key", where, required=True)
    if not _KEY.match(key):
        raise FormError(where, "key", f"lower-case letters, digits and _ are expected, got {key!r}")
    where = f"{where} ({key})"
    try:
        ftype = FieldType(data.get("type", "text"))
    except ValueError:
        raise FormError(where, "type", f"one of {', '.join(t.value for t in FieldType)} is expected, "
                                       f"got {data.get('type')!r}") from None
    prefill = _text(data, "prefill", where)
    if prefill and prefill not in PREFILL_SOURCES:
        raise FormError(where, "prefill", f"one of {', '.join(PREFILL_SOURCES)} is expected, got {prefill!r}")
    raw_choices = data.get("choices") or []
    if not isinstance(raw_choices, list):
        raise FormError(where, "choices", "a list is expected")
    choices = tuple(Choice(value=_text(c, "value", f"{where} choices[{i}]", required=True),
                           label=_text(c, "label", f"{where} choices[{i}]", required=True),
                           label_en=_text(c, "label_en", f"{where} choices[{i}]"))
                    for i, c in enumerate(raw_choices) if isinstance(c, Mapping))
    if len(choices) != len(raw_choices):
        raise FormError(where, "choices", "objects {value, label, label_en} are expected")
    if ftype is FieldType.CHOICE and not choices:
        raise FormError(where, "choices", "a choice field needs its choices")
    max_length = _opt_int(data, "max_length", where) or 200
    if not 1 <= max_length <= MAX_VALUE:
        raise FormError(where, "max_length", f"1..{MAX_VALUE} is expected, got {max_length}")
    return FormField(key=key, label=_text(data, "label", where, required=True), label_en=_text(data, "label_en", where),
                     type=ftype, required=bool(data.get("required", False)), max_length=max_length,
                     prefill=prefill, note=_text(data, "note", where), choices=choices,
                     minimum=_opt_int(data, "min", where), maximum=_opt_int(data, "max", where),
                     in_words=bool(data.get("in_words", False)), default=_text(data, "default", where),
                     uppercase=bool(data.get("uppercase", False)), inline=bool(data.get("inline", False)),
                     print_label=None if data.get("print_label") is None else _text(data, "print_label", where))


def form_from_dict(data: Any, *, where: str = "form") -> FormDefinition:
    """A form definition from its JSON form (see the module docstring); FormError names the key."""
    if not isinstance(data, Mapping):
        raise FormError(where, "", f"an object is expected, got {type(data).__name__}")
    form_id = _text(data, "id", where, required=True)
    where = f"{where} {form_id}"
    version = _opt_int(data, "version", where) or 1
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise FormError(where, "sections", "a non-empty list is expected")
    sections = []
    seen: dict[str, FormField] = {}
    for i, s in enumerate(raw_sections):
        sw = f"{where} sections[{i}]"
        if not isinstance(s, Mapping) or not isinstance(s.get("fields"), list) or not s["fields"]:
            raise FormError(sw, "fields", "a section is an object with a non-empty list of fields")
        fields = tuple(field_from_dict(f, where=f"{sw} fields[{j}]") for j, f in enumerate(s["fields"]))
        for f in fields:
            if f.key in seen:
                raise FormError(sw, "key", f"duplicate field key {f.key!r}")
            seen[f.key] = f
        sections.append(FormSection(title=_text(s, "title", sw), title_en=_text(s, "title_en", sw), fields=fields))
    addressee = _text(data, "addressee", where)
    signer_field = _text(data, "signer_field", where)
    for name, key in (("addressee", addressee), ("signer_field", signer_field)):
        if key and key not in seen:
            raise FormError(where, name, f"no field {key!r} in the form")
    procedures = data.get("procedures") or []
    if not isinstance(procedures, list) or not all(isinstance(p, str) for p in procedures):
        raise FormError(where, "procedures", "a list of procedure codes is expected")
    return FormDefinition(id=form_id, version=version, title=_text(data, "title", where, required=True),
                          title_en=_text(data, "title_en", where), form_no=_text(data, "form_no", where),
                          sections=tuple(sections), legal_basis=_text(data, "legal_basis", where),
                          addressee=addressee, pledge=_text(data, "pledge", where),
                          signer=_text(data, "signer", where, default="NGƯỜI YÊU CẦU"),
                          signer_note=_text(data, "signer_note", where, default="(Ký, ghi rõ họ, chữ đệm, tên)"),
                          signer_field=signer_field, procedures=tuple(procedures), _by_key=seen)


def form_of(procedure: Mapping[str, Any]) -> FormDefinition | None:
    """The form of a catalog entry (a procedure as the hub sends it), or None when it has none.

    A bad definition from upstream raises FormError: callers decide whether a procedure without its form
    may still be shown (the kiosk: yes, with the paper form; the hub: it refuses a declaration it cannot check).
    """
    raw = procedure.get("form")
    if raw is None:
        return None
    return form_from_dict(raw, where=f"procedure {procedure.get('code', '?')} form")


@functools.cache
def _shipped() -> tuple[dict[str, Any], ...]:
    data = json.loads(FORMS_PATH.read_text(encoding="utf-8"))
    if data.get("format") != FORMS_FORMAT:
        raise FormError(str(FORMS_PATH), "format", f"version {FORMS_FORMAT} is expected")
    forms = tuple(data["forms"])
    for f in forms:
        form_from_dict(f, where=str(FORMS_PATH))  # a broken shipped form is a bug: fail loudly, at once
    return forms


def shipped_forms() -> list[FormDefinition]:
    """The form definitions shipped in assets/catalog/forms.json."""
    return [form_from_dict(f, where=str(FORMS_PATH)) for f in _shipped()]


def attach_forms(procedures: Iterable[Mapping[str, Any]],
                 forms: Iterable[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Catalog entries with their form attached under "form" (the shipped forms unless given); an entry
    that already has a form (the central server's) keeps it."""
    by_code: dict[str, Mapping[str, Any]] = {}
    for f in (_shipped() if forms is None else forms):
        for code in f.get("procedures") or []:
            by_code[code] = f
    out = []
    for p in procedures:
        entry = dict(p)
        form = by_code.get(str(entry.get("code")))
        if form is not None and "form" not in entry:
            entry["form"] = {k: v for k, v in form.items() if k != "procedures"}
        out.append(entry)
    return out


# -- values ---------------------------------------------------------------------------------------------

def prefill(form: FormDefinition, card: CitizenId) -> dict[str, str]:
    """Values the citizen-ID card gives this form (name, date of birth, sex, address, number, issue date)."""
    source = {"cccd.id": card.id, "cccd.old_id": card.old_id or "", "cccd.name": card.name,
              "cccd.dob": card.dob.isoformat(), "cccd.gender": card.gender, "cccd.address": card.address,
              "cccd.issued": card.issued.isoformat()}
    out = {}
    for f in form.fields():
        value = source.get(f.prefill, "")
        if not value:
            continue
        if f.type is FieldType.CHOICE:
            value = next((c.value for c in f.choices if value in (c.value, c.label)), "")
        if value:
            out[f.key] = value.upper() if f.uppercase else value
    return out


def defaults(form: FormDefinition) -> dict[str, str]:
    """The values a blank form starts with (its fields' defaults)."""
    return {f.key: f.default for f in form.fields() if f.default}


def parse_date(text: str) -> date | None:
    """A date typed or picked: ISO "2026-03-15" or Vietnamese "15/03/2026" (also with . or -); None if not one."""
    t = text.strip()
    m = _ISO_DATE.match(t)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _VN_DATE.match(t)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


def normalize_phone(text: str) -> str:
    """"+84 912.345.678" -> "0912345678": separators dropped, the country code as a leading 0."""
    t = _PHONE_SEPARATORS.sub("", text.strip())
    if t.startswith("+84"):
        t = "0" + t[3:]
    elif t.startswith("84") and len(t) == 11:
        t = "0" + t[2:]
    return t


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _missing(f: FormField) -> FieldError:
    return FieldError(f.key, "missing", f"Chưa điền: {f.label}", f"Required: {f.label_en or f.label}")


def _invalid(f: FormField, vi: str, en: str) -> FieldError:
    return FieldError(f.key, "invalid", f"{f.label}: {vi}", f"{f.label_en or f.label}: {en}")


def check_value(f: FormField, raw: str, *, today: date) -> tuple[str, FieldError | None]:
    """One field's value normalised (dates ISO, phone digits, a unit as written), or what is wrong with it."""
    value = _clean(raw)
    if not value:
        return "", (_missing(f) if f.required else None)
    if len(value) > min(f.max_length, MAX_VALUE):
        return value, _invalid(f, f"dài quá {f.max_length} ký tự", f"longer than {f.max_length} characters")
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in value):
        return value, _invalid(f, "có ký tự không hợp lệ", "contains characters that are not allowed")
    t = f.type
    if t is FieldType.DATE:
        d = parse_date(value)
        if d is None:
            return value, _invalid(f, "ngày không hợp lệ (ngày/tháng/năm)", "not a valid date (day/month/year)")
        if d.year < EARLIEST_YEAR or d > today:
            return value, _invalid(f, "ngày không thể đúng", "this date cannot be right")
        return d.isoformat(), None
    if t in (FieldType.YEAR, FieldType.NUMBER):
        if not value.isdigit() or not value.isascii():
            return value, _invalid(f, "chỉ gồm chữ số", "digits only")
        n = int(value)
        low = f.minimum if f.minimum is not None else (EARLIEST_YEAR if t is FieldType.YEAR else None)
        high = f.maximum if f.maximum is not None else (today.year if t is FieldType.YEAR else None)
        if (low is not None and n < low) or (high is not None and n > high):
            return value, _invalid(f, f"phải từ {low} đến {high}", f"must be {low} to {high}")
        return str(n), None
    if t is FieldType.CCCD:
        digits = value.replace(" ", "")
        if not (digits.isascii() and digits.isdigit() and len(digits) == 12 and digits[0] == "0"):
            return value, _invalid(f, "số định danh cá nhân gồm 12 chữ số", "a personal ID number has 12 digits")
        return digits, None
    if t is FieldType.PHONE:
        phone = normalize_phone(value)
        if not _PHONE.match(phone):
            return value, _invalid(f, "số điện thoại gồm 10 chữ số, bắt đầu bằng 0",
                                   "a phone number has 10 digits and starts with 0")
        return phone, None
    if t is FieldType.EMAIL:
        if not _EMAIL.match(value):
            return value, _invalid(f, "địa chỉ thư điện tử không hợp lệ", "not a valid e-mail address")
        return value, None
    if t is FieldType.CHOICE:
        chosen = next((c.value for c in f.choices if value in (c.value, c.label)), None)
        if chosen is None:
            return value, _invalid(f, "hãy chọn một mục trong danh sách", "pick one of the list")
        return chosen, None
    if t is FieldType.ADMIN_UNIT:
        unit = admin_units.shipped().canonical(value)
        if unit is None:
            return value, _invalid(f, "hãy chọn xã/phường và tỉnh/thành phố trong danh sách",
                                   "pick the commune/ward and province from the list")
        return unit, None
    return (value.upper() if f.uppercase else value), None


def validate(form: FormDefinition, values: Mapping[str, str], *,
             today: date) -> tuple[dict[str, str], list[FieldError]]:
    """The values normalised, and every field that is missing or wrong (in form order).

    Unknown keys are errors too (a form from another version must not slip extra data through).
    """
    out: dict[str, str] = {}
    errors: list[FieldError] = []
    for key in values:
        if form.field(key) is None:
            errors.append(FieldError(key, "unknown", f"Mục không có trong tờ khai: {key}", f"not a field of the form: {key}"))
    for f in form.fields():
        raw = values.get(f.key, "")
        if not isinstance(raw, str):
            errors.append(_invalid(f, "phải là chữ", "must be text"))
            continue
        value, error = check_value(f, raw, today=today)
        if error is not None:
            errors.append(error)
        if value:
            out[f.key] = value
    return out, errors


def filled(form: FormDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """The filled form as it travels with the dossier."""
    return {"form": form.id, "version": form.version, "values": dict(values)}


class Declaration:
    """Tờ khai đang điền: a form and the values entered so far, as a device holds them (personal data)."""

    def __init__(self, form: FormDefinition, values: Mapping[str, str] | None = None) -> None:
        self.form = form
        self.values: dict[str, str] = dict(values or {})
        self.complete = False
        """Set once every field checked out (the citizen pressed Continue with nothing missing)."""

    @classmethod
    def start(cls, form: FormDefinition, *, card: CitizenId | None = None, name: str = "",
              id_number: str = "") -> Declaration:
        """A new form: its defaults, then what the card says (or the name and number typed instead)."""
        values = defaults(form)
        if card is not None:
            values.update(prefill(form, card))
        else:
            typed = {"cccd.name": name, "cccd.id": id_number}
            for f in form.fields():
                if typed.get(f.prefill):
                    values[f.key] = typed[f.prefill].upper() if f.uppercase else typed[f.prefill]
        return cls(form, values)

    def set(self, key: str, raw: str, *, today: date) -> FieldError | None:
        """Enter one field's value: kept normalised when right; what is wrong otherwise (nothing kept)."""
        f = self.form.field(key)
        if f is None:
            raise KeyError(key)
        value, error = check_value(f, raw, today=today)
        if error is None:
            if value:
                self.values[key] = value
            else:
                self.values.pop(key, None)
            self.complete = False
        return error

    def check(self, *, today: date) -> list[FieldError]:
        """Every field missing or wrong, in form order; none: the form is complete."""
        values, errors = validate(self.form, self.values, today=today)
        if not errors:
            self.values = values
        self.complete = not errors
        return errors

    def request(self) -> dict[str, Any]:
        """As it travels with the dossier (the hub's `declaration`)."""
        return filled(self.form, self.values)


# -- printing -------------------------------------------------------------------------------------------

def date_in_words(d: date) -> str:
    """"ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu": a date written in words (tờ khai)."""
    return f"ngày {read_number(d.day)} tháng {read_number(d.month)} năm {read_number(d.year)}"


def display_value(f: FormField, value: str) -> str:
    """A stored value as the printed form writes it: dates dd/mm/yyyy, a choice's label."""
    if not value:
        return ""
    if f.type is FieldType.DATE:
        d = parse_date(value)
        return d.strftime("%d/%m/%Y") if d else value
    if f.type is FieldType.CHOICE:
        return f.choice_label(value)
    return value
