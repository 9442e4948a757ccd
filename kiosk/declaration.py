"""The kiosk's declaration-form screens (tờ khai điện tử): the form pre-filled from the CCCD, each field
edited with the Telex keyboard, a digit pad, a date picker, choices or the administrative-unit picker, missing
and wrong fields flagged in red, and what the review screen shows of the form and the photographed pages.

The dossier screens (kiosk.dossier) hand over a draft after the citizen is identified and get it back, with
`draft.declaration.complete`, through the `then` callback. Values are personal data: they live in the draft
only, and every label showing them is cleared with it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk import texts as T
from kiosk.backend import DossierDraft
from kiosk.declaration_print import blank_preview, outcome_text, print_blank, print_declaration
from kiosk.host import KioskHost
from kiosk.keyboard import TextField
from motcua import admin_units
from motcua.catalog import fold
from motcua.contract import DossierStaffView, Procedure
from motcua.forms import (
    Declaration,
    FieldError,
    FieldType,
    FormDefinition,
    FormError,
    FormField,
    display_value,
    form_from_dict,
)
from printer_drivers.a4_printer import A4Fault, A4Result
from ui.qt import QGridLayout, QHBoxLayout, QLabel, QPixmap, QPushButton, Qt, QVBoxLayout, QWidget

log = logging.getLogger(__name__)

SIZE = 7.5
"""Citizens' text here is at least the home screen's service names (7.5 mm)."""
FIELDS_PER_PAGE = 8
CHOICES = 6
WARD_RESULTS = 5
PROVINCE_COLUMNS = 3
OK_COLOR, MISSING_COLOR, EMPTY_COLOR = "#1f5d45", "#8c2a22", "#1b3a5c"
MODES = {FieldType.TEXT: "vi", FieldType.EMAIL: "plain", FieldType.CCCD: "digits", FieldType.PHONE: "digits",
         FieldType.NUMBER: "digits", FieldType.YEAR: "digits"}
"""The keyboard of each typed field; dates, choices and units have pickers."""


def site_tz(host: KioskHost) -> ZoneInfo:
    """The site's time zone, from the hub's site document (Vietnam's when there is none yet)."""
    site = host.backend.site
    return ZoneInfo(site.doc.site.timezone if site is not None else "Asia/Ho_Chi_Minh")


def form_of(procedure: Procedure) -> FormDefinition | None:
    """The procedure's form, or None (none, or one this kiosk cannot read: the citizen brings the paper)."""
    if procedure.form is None:
        return None
    try:
        return form_from_dict(procedure.form, where=f"procedure {procedure.code} form")
    except FormError as exc:
        log.warning("procedure %s: its declaration form cannot be used: %s", procedure.code, exc)
        return None


class DeclarationScreens:
    """The "form" (the list of fields) and "form_field" (one field) pages inside the kiosk window."""

    def __init__(self, host: KioskHost) -> None:
        self.host = host
        self.draft: DossierDraft | None = None
        self.then: Callable[[], None] | None = None
        self.page_index = 0
        self.errors: dict[str, FieldError] = {}
        self.field: FormField | None = None
        self.picked_date: date | None = None
        self.province: admin_units.Province | None = None
        self.choice_value = ""
        self._build()

    # ------------------------------------------------------------------ building
    def _page(self, name: str) -> QVBoxLayout:
        lay = self.host.add_page(name)
        lay.setSpacing(self.host.kit.mm(2.5))
        return lay

    def _build(self) -> None:
        w = self.host.kit
        lab, btn = w.label, w.button
        lay = self._page("form")
        self.f_step = lab("", size=SIZE, bold=True, color=self.host.kit.theme.muted)
        self.f_step.setObjectName("step")
        lay.addWidget(self.f_step)
        self.f_title = lab("", size=SIZE, bold=True, color="#ffd23f")
        self.f_hint = lab("", size=SIZE)
        self.f_msg = lab("", size=SIZE, bold=True, color="#ff5a4e")
        self.f_page = lab("", size=SIZE, color="#b8c7d9")
        for x in (self.f_title, self.f_hint, self.f_msg):
            lay.addWidget(x)
        self.f_buttons: list[QPushButton] = []
        for i in range(FIELDS_PER_PAGE):
            b = btn("", size=SIZE, min_h_mm=24)
            b.setObjectName(f"form_field_{i}")
            b.clicked.connect(lambda _=False, i=i: self._edit_slot(i))
            lay.addWidget(b, 1)
            self.f_buttons.append(b)
        row = QHBoxLayout()
        self.f_prev = btn("", size=SIZE, min_h_mm=18)
        self.f_prev.clicked.connect(lambda: self._turn(-1))
        self.f_next = btn("", size=SIZE, min_h_mm=18)
        self.f_next.clicked.connect(lambda: self._turn(+1))
        row.addWidget(self.f_prev)
        row.addWidget(self.f_page)
        row.addWidget(self.f_next)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.f_back = btn("", size=SIZE, min_h_mm=20)
        self.f_back.clicked.connect(lambda: self.host.go_home(clear=True))
        self.f_continue = btn("", size=SIZE, color="#2fbf71", min_h_mm=20)
        self.f_continue.clicked.connect(lambda: self.finish())
        row.addWidget(self.f_back)
        row.addWidget(self.f_continue, 2)
        lay.addLayout(row)

        lay = self._page("form_field")
        self.e_step = lab("", size=SIZE, bold=True, color=self.host.kit.theme.muted)  # the form's step, here too
        self.e_step.setObjectName("step")
        lay.addWidget(self.e_step)
        self.e_label = lab("", size=SIZE, bold=True, color="#ffd23f")
        self.e_note = lab("", size=SIZE, color="#b8c7d9")
        self.e_msg = lab("", size=SIZE, bold=True, color="#ff5a4e")
        self.e_value = lab("", size=9, bold=True)
        self.e_value.setStyleSheet("background: white; color: #0b2a4a; border-radius: 10px; padding: 10px;")
        for x in (self.e_label, self.e_note, self.e_msg, self.e_value):
            lay.addWidget(x)
        self.e_fields = {"vi": TextField(button=btn, label=lab, mode="vi", max_len=300),
                         "plain": TextField(button=btn, label=lab, mode="plain", max_len=100),
                         "digits": TextField(button=btn, label=lab, mode="digits", max_len=12)}
        for f in self.e_fields.values():
            f.display.setProperty("size_mm", SIZE)  # what the citizen typed, at the citizens' size
            f.display.setFont(w.font(SIZE, bold=True))
            f.hide()  # hidden from the start: a hidden editor takes no room (nor grows the window)
            lay.addWidget(f, 3)
        # Date picker: − / + for day, month and year (±10 too), no typing of separators.
        self.e_date = QWidget()
        grid = QGridLayout(self.e_date)
        grid.setSpacing(w.mm(2))
        self.e_date_labels: dict[str, QLabel] = {}
        self.e_date_buttons: dict[str, QPushButton] = {}
        for r, unit in enumerate(("day", "month", "year")):
            name = lab("", size=SIZE, bold=True)
            grid.addWidget(name, r, 0)
            self.e_date_labels[unit] = name
            steps = (-10, -1, 1, 10) if unit == "year" else (-1, 1)
            for c, step in enumerate(steps):
                b = btn(f"{step:+d}" if abs(step) > 1 else ("−" if step < 0 else "+"), size=SIZE, min_h_mm=18)
                b.setObjectName(f"date_{unit}_{step:+d}")
                b.clicked.connect(lambda _=False, unit=unit, step=step: self._step_date(unit, step))
                grid.addWidget(b, r, 1 + c)
                self.e_date_buttons[f"{unit}{step:+d}"] = b
        self.e_date.hide()
        lay.addWidget(self.e_date, 2)
        # Choices.
        self.e_choices: list[QPushButton] = []
        for i in range(CHOICES):
            b = btn("", size=SIZE, min_h_mm=20)
            b.setObjectName(f"choice_{i}")
            b.clicked.connect(lambda _=False, i=i: self._pick_choice(i))
            b.hide()
            lay.addWidget(b, 1)
            self.e_choices.append(b)
        # Administrative units: the province first, then the ward by name.
        self.e_provinces = QWidget()
        grid = QGridLayout(self.e_provinces)
        grid.setSpacing(w.mm(1.5))
        self.e_province_buttons: dict[str, QPushButton] = {}
        for i, p in enumerate(admin_units.shipped().provinces):
            b = btn(p.name, size=SIZE, min_h_mm=13)
            b.setObjectName(f"province_{p.code}")
            b.clicked.connect(lambda _=False, code=p.code: self._pick_province(code))
            grid.addWidget(b, i // PROVINCE_COLUMNS, i % PROVINCE_COLUMNS)
            self.e_province_buttons[p.code] = b
        self.e_provinces.hide()
        lay.addWidget(self.e_provinces, 3)
        self.e_wards: list[QPushButton] = []
        for i in range(WARD_RESULTS):
            b = btn("", size=SIZE, min_h_mm=14)
            b.setObjectName(f"ward_{i}")
            b.clicked.connect(lambda _=False, i=i: self._pick_ward(i))
            b.hide()
            lay.addWidget(b)
            self.e_wards.append(b)
        self.e_fields["vi"].changed.connect(lambda _t: self._search_wards())
        lay.addStretch(1)  # what the editor leaves over goes between it and the buttons
        row = QHBoxLayout()
        self.e_back = btn("", size=SIZE, min_h_mm=20)
        self.e_back.clicked.connect(self._back_to_form)
        self.e_clear = btn("", size=SIZE, min_h_mm=20)
        self.e_clear.clicked.connect(self._clear_value)
        self.e_save = btn("", size=SIZE, color="#2fbf71", min_h_mm=20)
        self.e_save.clicked.connect(lambda: self.save())
        row.addWidget(self.e_back)
        row.addWidget(self.e_clear)
        row.addWidget(self.e_save, 2)
        lay.addLayout(row)

        # What the review page shows of the form and the pages (kiosk.dossier adds it to its page).
        self.review_panel = QWidget()
        col = QVBoxLayout(self.review_panel)
        col.setContentsMargins(0, 0, 0, 0)
        self.r_form_title = lab("", size=SIZE, bold=True, color="#ffd23f", align=Qt.AlignmentFlag.AlignLeft)
        self.r_form = QLabel()
        self.r_form.setObjectName("review_form_preview")
        self.r_form.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_pages_title = lab("", size=SIZE, bold=True, color="#ffd23f", align=Qt.AlignmentFlag.AlignLeft)
        self.r_pages = QHBoxLayout()
        self.r_thumbs: list[QLabel] = []
        for x in (self.r_form_title, self.r_form, self.r_pages_title):
            col.addWidget(x)
        col.addLayout(self.r_pages)
        # What the procedure page shows of the form: what the kiosk fills, the blank page, printing it.
        self.procedure_panel = QWidget()
        col = QVBoxLayout(self.procedure_panel)
        col.setContentsMargins(0, 0, 0, 0)
        self.p_hint = lab("", size=SIZE, color="#2fbf71")
        self.p_preview = QLabel()
        self.p_preview.setObjectName("blank_form_preview")
        self.p_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.p_print = btn("", size=SIZE, min_h_mm=18)
        self.p_print.setObjectName("print_blank_form")
        self.p_print.clicked.connect(self._print_blank)
        self.p_printed = lab("", size=SIZE, bold=True)
        for part in (self.p_hint, self.p_preview, self.p_printed, self.p_print):
            col.addWidget(part)
        self.p_form: FormDefinition | None = None
        self.procedure_panel.hide()
        # What the submitted page says of the A4 declaration (kiosk.dossier adds it to its page).
        self.a4_label = lab("", size=SIZE, bold=True)
        self.a4_label.setObjectName("a4_printed")
        self.a4_label.hide()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        """Texts in the window's language."""
        lang = self.host.lang
        self.f_prev.setText(T.FORM_PREV(lang))
        self.f_next.setText(T.FORM_NEXT_PAGE(lang))
        self.f_back.setText(T.CANCEL(lang))
        self.f_continue.setText(T.FORM_CONTINUE(lang))
        self.e_back.setText(T.CANCEL(lang))
        self.e_clear.setText(T.FORM_CLEAR(lang))
        self.e_save.setText(T.FORM_SAVE(lang))
        for unit, text in (("day", T.FORM_DAY), ("month", T.FORM_MONTH), ("year", T.FORM_YEAR)):
            self.e_date_labels[unit].setText(text(lang))
        self.r_form_title.setText(T.REVIEW_FORM(lang))
        self.p_hint.setText(T.FORM_ON_KIOSK(lang))
        self.p_print.setText(T.FORM_PRINT_BLANK(lang))
        self.r_pages_title.setText(T.REVIEW_PAGES(lang))
        if self.draft is not None and self.draft.declaration is not None:
            self._render_form()

    # ------------------------------------------------------------------ the form
    def today(self) -> date:
        """The site's local date (the window's injected clock)."""
        return datetime.fromtimestamp(self.host.clock(), site_tz(self.host)).date()

    def set_step(self, text: str) -> None:
        """The step indicator of the form's page ("Bước 2/6: Tờ khai"), from the dossier screens."""
        self.f_step.setText(text)
        self.e_step.setText(text)

    def wants(self, draft: DossierDraft) -> bool:
        """Whether this draft's procedure has a form still to fill."""
        if draft.declaration is not None:
            return not draft.declaration.complete
        return form_of(draft.procedure) is not None

    def covers(self, draft: DossierDraft, document: str) -> bool:
        """Whether a required document is the form itself, filled here (no paper to photograph)."""
        d = draft.declaration
        return d is not None and d.complete and fold(d.form.title) in fold(document)

    def open(self, draft: DossierDraft, then: Callable[[], None]) -> None:
        """Show the procedure's form, pre-filled from the card (or the typed name and number)."""
        form = form_of(draft.procedure)
        if form is None:
            then()
            return
        if draft.declaration is None or draft.declaration.form.id != form.id:
            draft.declaration = Declaration.start(form, card=draft.card, name=draft.name, id_number=draft.id_number)
        self.draft, self.then = draft, then
        self.page_index = 0
        self.errors = {}
        self.f_msg.setText("")
        self._render_form()
        self.host.show_page("form")

    def _form_fields(self) -> list[FormField]:
        assert self.draft is not None and self.draft.declaration is not None
        return list(self.draft.declaration.form.fields())

    def _pages(self) -> int:
        return max(1, -(-len(self._form_fields()) // FIELDS_PER_PAGE))

    def _render_form(self) -> None:
        d = self.draft
        assert d is not None and d.declaration is not None
        lang = self.host.lang
        form = d.declaration.form
        self.f_title.setText(T.FORM_TITLE(lang, title=form.title if lang == "vi" else (form.title_en or form.title)))
        self.f_hint.setText(T.FORM_INTRO(lang) if d.card is not None else T.FORM_INTRO_TYPED(lang))
        fields = self._form_fields()
        pages = self._pages()
        self.page_index = min(self.page_index, pages - 1)
        shown = fields[self.page_index * FIELDS_PER_PAGE:(self.page_index + 1) * FIELDS_PER_PAGE]
        for i, b in enumerate(self.f_buttons):
            if i >= len(shown):
                b.hide()
                continue
            f = shown[i]
            value = d.declaration.values.get(f.key, "")
            label = f.label if lang == "vi" else (f.label_en or f.label)
            error = self.errors.get(f.key)
            if error is not None:
                state, color = error.message_vi if lang == "vi" else error.message_en, MISSING_COLOR
            elif value:
                state, color = _value_text(f, value, lang), OK_COLOR
            else:
                state = T.FORM_EMPTY(lang) + ("" if f.required else f" {T.FORM_OPTIONAL(lang)}")
                color = EMPTY_COLOR
            mark = "⚠ " if error is not None else ("✓ " if value else "")
            b.setText(f"{mark}{label}\n{_short(state, 60)}")
            b.setProperty("state", "error" if error is not None else ("filled" if value else "empty"))
            b.setStyleSheet(self.host.kit.button_style(color))
            b.show()
        self.f_page.setText(T.FORM_PAGE(lang, page=self.page_index + 1, pages=pages))
        self.f_prev.setEnabled(self.page_index > 0)
        self.f_next.setEnabled(self.page_index < pages - 1)

    def _turn(self, step: int) -> None:
        self.page_index = max(0, min(self._pages() - 1, self.page_index + step))
        self._render_form()

    def finish(self) -> None:
        """Continue: every missing or wrong field flagged (and its page shown), or on to the next step."""
        d = self.draft
        if d is None or d.declaration is None:
            return
        errors = d.declaration.check(today=self.today())
        self.errors = {e.key: e for e in errors}
        if errors:
            keys = [f.key for f in self._form_fields()]
            self.page_index = keys.index(errors[0].key) // FIELDS_PER_PAGE if errors[0].key in keys else 0
            self.f_msg.setText(T.FORM_MISSING(self.host.lang, n=len(errors)))
            self._render_form()
            return
        then = self.then
        self._release()  # the draft keeps the form; these pages forget it (and stop showing it)
        if then is not None:
            then()

    # ------------------------------------------------------------------ one field
    def _edit_slot(self, slot: int) -> None:
        fields = self._form_fields()
        i = self.page_index * FIELDS_PER_PAGE + slot
        if i < len(fields):
            self.edit(fields[i].key)

    def edit(self, key: str) -> None:
        """Open one field with its keyboard or picker, showing what it holds."""
        d = self.draft
        assert d is not None and d.declaration is not None
        f = d.declaration.form.field(key)
        if f is None:
            return
        self.field = f
        lang = self.host.lang
        value = d.declaration.values.get(key, "")
        self.e_label.setText(f.label if lang == "vi" else (f.label_en or f.label))
        self.e_note.setText(f.note)
        self.e_note.setVisible(bool(f.note))
        error = self.errors.get(key)
        self.e_msg.setText("" if error is None else (error.message_vi if lang == "vi" else error.message_en))
        mode = MODES.get(f.type)
        for m, field in self.e_fields.items():
            field.clear()
            field.setVisible(m == mode)
        if mode is not None:
            self.e_fields[mode].set_text(value)
        self.e_value.setVisible(f.type in (FieldType.DATE, FieldType.CHOICE, FieldType.ADMIN_UNIT))
        self.e_date.setVisible(f.type is FieldType.DATE)
        if f.type is FieldType.DATE:
            from motcua.forms import parse_date

            self.picked_date = parse_date(value) or self.today()
            self._show_date()
        self.choice_value = value if f.type is FieldType.CHOICE else ""
        for i, b in enumerate(self.e_choices):
            if f.type is FieldType.CHOICE and i < len(f.choices):
                c = f.choices[i]
                b.setText(c.label if lang == "vi" or not c.label_en else f"{c.label} — {c.label_en}")
                b.show()
            else:
                b.hide()
        if f.type is FieldType.CHOICE:
            self.e_value.setText(f.choice_label(value) if value else T.FORM_EMPTY(lang))
        self.province = None
        if f.type is FieldType.ADMIN_UNIT:
            self.e_value.setText(value or T.FORM_EMPTY(lang))
            self.e_label.setText(f"{self.e_label.text()}\n{T.FORM_PICK_PROVINCE(lang)}")
        self.e_provinces.setVisible(f.type is FieldType.ADMIN_UNIT)
        for b in self.e_wards:
            b.hide()
        self.host.show_page("form_field")

    def _show_date(self) -> None:
        d = self.picked_date
        assert d is not None
        self.e_value.setText(d.strftime("%d/%m/%Y"))

    def _step_date(self, unit: str, step: int) -> None:
        d = self.picked_date or self.today()
        if unit == "day":
            d = d + timedelta(days=step)
        else:
            months = d.year * 12 + d.month - 1 + (step if unit == "month" else step * 12)
            year, month = divmod(months, 12)
            day = d.day
            while True:  # 31 March - 1 month: the last day of February
                try:
                    d = date(max(1, year), month + 1, day)
                    break
                except ValueError:
                    day -= 1
        self.picked_date = d
        self._show_date()

    def _pick_choice(self, i: int) -> None:
        f = self.field
        if f is None or i >= len(f.choices):
            return
        self.choice_value = f.choices[i].value
        self.save()

    def _pick_province(self, code: str) -> None:
        table = admin_units.shipped()
        self.province = table.province(code)
        if self.province is None:
            return
        lang = self.host.lang
        self.e_provinces.hide()
        self.e_label.setText(T.FORM_PICK_WARD(lang, province=self.province.title))
        self.e_fields["vi"].clear()
        self.e_fields["vi"].show()
        self._search_wards()

    def _ward_matches(self) -> list[str]:
        if self.province is None:
            return []
        typed = self.e_fields["vi"].text()
        table = admin_units.shipped()
        if not typed.strip():
            return [table.text(self.province, w) for w in self.province.wards[:WARD_RESULTS]]
        return table.search(typed, province=self.province.code, limit=WARD_RESULTS)

    def _search_wards(self) -> None:
        if self.field is None or self.field.type is not FieldType.ADMIN_UNIT or self.province is None:
            return
        matches = self._ward_matches()
        for i, b in enumerate(self.e_wards):
            if i < len(matches):
                b.setText(matches[i].split(",")[0])
                b.setProperty("unit", matches[i])
                b.show()
            else:
                b.hide()

    def _pick_ward(self, i: int) -> None:
        unit = self.e_wards[i].property("unit")
        if unit:
            self.e_value.setText(str(unit))
            self.save(raw=str(unit))

    def _clear_value(self) -> None:
        for field in self.e_fields.values():
            field.clear()
        self.choice_value = ""
        self.picked_date = None
        self.e_value.setText(T.FORM_EMPTY(self.host.lang))

    def save(self, raw: str | None = None) -> None:
        """Check the field's value: kept and back to the form, or what is wrong shown under the label."""
        d, f = self.draft, self.field
        if d is None or d.declaration is None or f is None:
            return
        if raw is None:
            if f.type is FieldType.DATE:
                raw = self.picked_date.isoformat() if self.picked_date else ""
            elif f.type is FieldType.CHOICE:
                raw = self.choice_value
            elif f.type is FieldType.ADMIN_UNIT:
                raw = "" if self.e_value.text() == T.FORM_EMPTY(self.host.lang) else self.e_value.text()
            else:
                raw = self.e_fields[MODES.get(f.type, "vi")].text()
        error = d.declaration.set(f.key, raw, today=self.today())
        if error is not None:
            self.e_msg.setText(error.message_vi if self.host.lang == "vi" else error.message_en)
            return
        self.errors.pop(f.key, None)
        self._back_to_form()

    def _back_to_form(self) -> None:
        self.field = None
        for field in self.e_fields.values():
            field.clear()
        self._render_form()
        self.host.show_page("form")

    # ------------------------------------------------------------------ review and reset
    # ------------------------------------------------------------------ the procedure page
    def show_procedure(self, procedure: Procedure) -> None:
        """On the procedure page: that this procedure has a form filled here, its blank page, printing it."""
        self.p_form = form_of(procedure)
        self.p_preview.clear()
        self.p_printed.setText("")
        self.procedure_panel.setVisible(self.p_form is not None)
        self.p_print.setVisible(self.p_form is not None and self.host.backend.config.a4_printer is not None)
        if self.p_form is not None:
            form = self.p_form
            self.host.run(lambda: blank_preview(form), self._on_blank_png, lambda exc: log.warning(
                "the blank form's picture failed: %s", exc))

    def _print_blank(self) -> None:
        cfg = self.host.backend.config.a4_printer
        if self.p_form is None or cfg is None:
            return
        self.p_print.setEnabled(False)
        self.p_printed.setText(T.FORM_PRINTING(self.host.lang))
        form = self.p_form
        self.host.run(lambda: print_blank(form, cfg), self._on_blank_printed, self._on_blank_printed)

    def _on_blank_png(self, value: object) -> None:
        if isinstance(value, bytes) and self.host.page == "procedure":
            pm = QPixmap()
            pm.loadFromData(value, "PNG")
            self.p_preview.setPixmap(pm.scaledToHeight(self.host.kit.mm(150), Qt.TransformationMode.SmoothTransformation))

    def on_form_png(self, value: object) -> None:
        """The review's picture of the A4 page came back (the citizen may have moved on: then nothing)."""
        if isinstance(value, bytes) and self.host.page == "review":
            self._set_form_preview(value)

    def _on_a4(self, value: object) -> None:
        if self.host.page == "submitted":  # not after "Xong": the next citizen's screen says nothing of it
            self.show_printed(value if isinstance(value, A4Result) else A4Result(False, fault=A4Fault.JOB_FAILED))

    def _on_blank_printed(self, value: object) -> None:
        self.p_print.setEnabled(True)
        self.p_printed.setText(outcome_text(value, T.FORM_BLANK_PRINTED, self.host.lang))  # faults in both languages
        self.p_printed.show()

    def _set_form_preview(self, png: bytes) -> None:
        pm = QPixmap()
        pm.loadFromData(png, "PNG")
        self.r_form.setPixmap(pm.scaledToHeight(self.host.kit.mm(160), Qt.TransformationMode.SmoothTransformation))
        self.r_form.show()

    def fill_review(self, draft: DossierDraft, form_png: bytes | None) -> None:
        """The review page's form (its A4 page, when rendered) and thumbnails of the photographed pages."""
        has_form = draft.declaration is not None and draft.declaration.complete
        self.r_form_title.setVisible(has_form)
        self.r_form.setVisible(has_form and form_png is not None)
        if has_form and form_png is not None:
            self._set_form_preview(form_png)
        self._drop_thumbs()
        for page in draft.pages:
            t = QLabel()
            pm = QPixmap()
            pm.loadFromData(page.preview_png, "PNG")
            t.setPixmap(pm.scaledToHeight(self.host.kit.mm(50), Qt.TransformationMode.SmoothTransformation))
            self.r_pages.addWidget(t)
            self.r_thumbs.append(t)
        self.r_pages_title.setVisible(bool(draft.pages))

    def print_submitted(self, draft: DossierDraft | None, dossier: DossierStaffView) -> None:
        """After sending: the filled declaration to the A4 printer, off the GUI thread (the job is followed, which
        takes seconds on paper); the submitted page says "printing" now and the outcome when it is known."""
        cfg = self.host.backend.config.a4_printer
        d = draft.declaration if draft is not None else None
        if d is None or not d.complete or cfg is None:
            self.a4_label.hide()
            return
        self.a4_label.setText(T.FORM_PRINTING(self.host.lang))
        self.a4_label.show()
        code, submitted_at = dossier.code, dossier.submitted_at or ""
        self.host.run(lambda: print_declaration(d, code=code, submitted_at=submitted_at, cfg=cfg), self._on_a4,
                      self._on_a4)

    def show_printed(self, result: A4Result | None, *, label: QLabel | None = None,
                     printed: T.T = T.A4_PRINTED) -> None:
        """Whether the page came out of the A4 printer, or why not (the citizen's words)."""
        lang = self.host.lang
        label = label or self.a4_label
        if result is None:
            label.hide()
            return
        if result.printed:
            label.setText(printed(lang))
        else:
            fault = result.fault
            reason = "" if fault is None else (fault.vi if lang == "vi" else fault.en)
            label.setText(T.A4_NOT_PRINTED(lang, reason=reason))
        label.show()

    def clear(self) -> None:
        """Forget the citizen: the draft reference and every label that showed a value (idle, "Xong")."""
        self._release()
        for lab in (self.r_form, self.a4_label):
            lab.clear()
        self._drop_thumbs()

    def _drop_thumbs(self) -> None:
        # Hazard: deleteLater waits for the event loop; hidden and unparented now, a stale page never shows.
        for t in self.r_thumbs:
            self.r_pages.removeWidget(t)
            t.hide()
            t.setParent(None)
            t.deleteLater()
        self.r_thumbs = []

    def _release(self) -> None:
        self.draft, self.then, self.field = None, None, None
        self.errors = {}
        self.picked_date = None
        self.province = None
        self.choice_value = ""
        for field in self.e_fields.values():
            field.clear()
        for b in self.f_buttons:
            b.setText("")
        for lab in (self.f_title, self.f_msg, self.e_value, self.e_msg, self.e_label):
            lab.clear()


def _value_text(f: FormField, value: str, lang: str) -> str:
    text = display_value(f, value)
    if f.type is FieldType.CHOICE and lang == "en":
        en = next((c.label_en for c in f.choices if c.value == value and c.label_en), "")
        return f"{text} ({en})" if en else text
    return text


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
