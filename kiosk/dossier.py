"""The kiosk's dossier screens: look up a procedure and self-submit a dossier (checking a dossier's status
is kiosk.lookup).

Self-submission: procedure → citizen-ID card (camera) or typed → phone, email → each required document
photographed (the page found and straightened) → how the result is returned → review → sent to the hub
(files first, then the dossier, retry-safe by its id) → the citizen's slip printed with the dossier code
(visibly provisional until the province's code is linked), the return time and a QR for look-up.
Personal data leaves the screen and memory at the end or on idle.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk import texts as T
from kiosk.backend import DossierBackend, DossierDraft, SubmitResult
from kiosk.declaration import DeclarationScreens, form_of
from kiosk.declaration_print import declaration_preview
from kiosk.fee import FeePanel
from kiosk.guidance import GuidancePanel
from kiosk.guides import CardGuide
from kiosk.host import KioskHost, back_button, run_then_idle
from kiosk.keyboard import TextField
from kiosk.live import LiveCamera, LiveFeed, LiveView, hint_text, read_card_in
from kiosk.photos import PhotoScreens
from motcua import formats
from motcua.catalog import search_procedures
from motcua.contract import Procedure
from motcua.forms import FieldType
from motcua.text import Text
from ui.qr import qr_pixmap
from ui.qt import QGridLayout, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget

log = logging.getLogger(__name__)

DOSSIER_PAGES = ("catalog", "procedure", "identify", "ask", "documents", "delivery", "review", "submitted",
                 "lookup", "lookup_code", "lookup_result", "form", "form_field", "page_view")
RESULTS_PER_PAGE = 5
STEP_KEYS = ("id", "form", "contact", "docs", "delivery", "review")
STEP_OF_PAGE = {"catalog": "choose", "procedure": "ahead", "identify": "id", "ask": "contact", "documents": "docs",
                "page_view": "docs", "delivery": "delivery", "review": "review", "submitted": "done"}
"""The submission's steps, and which step each page is (the form's pages are kiosk.declaration's)."""
ASK_STEPS = ("name", "id_number", "phone", "email", "delivery_address")
STATUS = {"submitted": T.ST_SUBMITTED, "received": T.ST_RECEIVED, "processing": T.ST_PROCESSING,
          "supplement": T.ST_SUPPLEMENT, "done": T.ST_DONE, "returned": T.ST_RETURNED}


def when_text(iso_text: str | None) -> str:
    """"14 giờ 30 phút, ngày 05 tháng 12 năm 2026" from an ISO time (motcua.formats)."""
    when = formats.parse_time(iso_text)
    return formats.datetime_vi(when) if when else "—"


class DossierScreens:
    """Catalog, self-submission and look-up pages inside the kiosk window."""

    def __init__(self, host: KioskHost, backend: DossierBackend) -> None:
        self.host = host
        self.pages: dict[str, QWidget] = {}
        self.backend = backend
        self.draft: DossierDraft | None = None
        self.procedure: Procedure | None = None
        self.ask_step = ""
        self.last_result: SubmitResult | None = None
        self.steps: dict[str, QLabel] = {}
        self._build()

    # ------------------------------------------------------------------ building
    def _page(self, name: str) -> QVBoxLayout:
        lay = self.host.add_page(name)
        page = lay.parentWidget()
        assert page is not None
        if name in STEP_OF_PAGE:  # "Bước 2/6: Tờ khai": where the citizen is in the submission
            self.steps[name] = self.host.kit.label("", size=7.5, bold=True, color=self.host.kit.theme.muted)
            self.steps[name].setObjectName("step")
            lay.addWidget(self.steps[name])
        self.pages[name] = page
        lay.setSpacing(self.host.kit.mm(2.5))
        return lay

    def _run(self, op: Callable[[], Any], answer: Callable[[bool, Any], None]) -> None:
        run_then_idle(self.host, op, answer)

    def _back(self, target: str = "home") -> QPushButton:
        return back_button(self.host, target)

    def _build(self) -> None:
        w, t = self.host, self.host.kit.theme
        lab, btn = w.kit.label, w.kit.button
        self.form = DeclarationScreens(w)  # the procedure's declaration form (kiosk.declaration, issue 17)
        # Home: two of the three dossier services (the third, look-up, is kiosk.lookup's), in the room the
        # home page left for them.
        self.catalog_button = btn("", size=7.5, color=t.dossier, min_h_mm=20)
        self.submit_button = btn("", size=7.5, color=t.dossier, min_h_mm=20)
        self.catalog_button.clicked.connect(lambda: self.open_catalog(submit=False))
        self.submit_button.clicked.connect(lambda: self.open_catalog(submit=True))
        for b in (self.catalog_button, self.submit_button):
            w.add_home_button(b)

        lay = self._page("catalog")
        self.c_title = lab("", size=7.5, bold=True, color=t.accent)
        self.c_search = TextField(button=btn, label=lab, mode="vi", max_len=60)
        self.c_search.changed.connect(lambda _t: self._show_results())
        self.c_fields = QGridLayout()
        self.c_fields.setSpacing(self.host.kit.mm(2))
        self.c_field_buttons: dict[str, QPushButton] = {}
        self.c_field: str | None = None
        self.c_page = 0
        self.c_results = QVBoxLayout()
        self.c_result_buttons: list[QPushButton] = []
        for i in range(RESULTS_PER_PAGE):
            b = btn("", size=7.5, min_h_mm=16)
            b.setObjectName(f"result_{i}")
            b.clicked.connect(lambda _=False, i=i: self.pick_result(i))
            self.c_results.addWidget(b)
            self.c_result_buttons.append(b)
        self.c_empty = lab("", size=7.5, color=t.muted)
        self.c_more = btn("", size=7.5, min_h_mm=14)
        self.c_more.clicked.connect(self._next_results_page)
        lay.addWidget(self.c_title)
        lay.addLayout(self.c_fields)
        lay.addLayout(self.c_results)
        lay.addWidget(self.c_more)
        lay.addWidget(self.c_empty)
        lay.addStretch(1)
        lay.addWidget(self.c_search)
        lay.addWidget(self._back())
        self.c_matches: list[Procedure] = []
        self.submit_mode = False

        lay = self._page("procedure")
        self.p_name = lab("", size=7.5, bold=True, color=t.accent)
        self.p_facts = lab("", size=7.5)
        self.p_docs = lab("", size=7.5, align=Qt.AlignmentFlag.AlignLeft)
        self.p_submit = btn("", size=7.5, color=t.ok, min_h_mm=20)
        self.p_submit.clicked.connect(self.start_submission)
        self.p_ticket = btn("", size=7.5, min_h_mm=18)
        self.p_ticket.clicked.connect(self._take_number_for_procedure)
        for x in (self.p_name, self.p_facts, self.p_docs):
            lay.addWidget(x)
        lay.addWidget(self.form.procedure_panel)
        self.guide = GuidancePanel(w)  # its guidance sheet on the A4 printer (kiosk.guidance)
        lay.addWidget(self.guide.panel)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.p_submit)
        row.addWidget(self.p_ticket)
        lay.addLayout(row)
        lay.addWidget(self._back("catalog"))

        lay = self._page("identify")
        self.i_title = lab("", size=7.5, bold=True, color=t.accent)
        self.i_body = lab("", size=7.5)
        self.i_msg = lab("", size=7.5, bold=True, color=t.warn)
        self.i_type = btn("", size=7.5, min_h_mm=20)
        self.i_type.clicked.connect(lambda: self._ask("name"))
        lay.addWidget(self.i_title)
        lay.addWidget(self.i_body)
        # The camera's picture with the card's outline; the card is read by itself once held still (kiosk.live).
        self.i_view = LiveView(w, card=True)
        self.i_hint = lab("", size=7.5, bold=True, color=t.accent)
        self.i_hint.setObjectName("live_hint")
        self.i_capture = btn("", size=7.5, color=t.ok, min_h_mm=18)
        self.i_capture.clicked.connect(self.read_card_now)
        camera = self.backend.camera
        self.card_feed = LiveFeed(camera, clock=w.clock, card=True) if camera is not None else None
        self.card_live = LiveCamera(w, self.card_feed, self.i_view, self.i_hint, page="identify",
                                    on_take=self.read_card_now) if self.card_feed is not None else None
        self.i_guide = CardGuide(w.kit, lambda: self.host.lang)  # how to hold the card (kiosk.guides)
        lay.addWidget(self.i_view, 3)
        lay.addWidget(self.i_hint)
        lay.addWidget(self.i_msg)
        lay.addWidget(self.i_guide, 1)
        lay.addWidget(self.i_capture)
        lay.addWidget(self.i_type)
        lay.addWidget(self._back())

        lay = self._page("ask")
        self.a_title = lab("", size=7.5, bold=True, color=t.accent)
        self.a_hint = lab("", size=7.5, color=t.muted)
        self.a_msg = lab("", size=7.5, bold=True, color=t.warn)
        self.fields = {"vi": TextField(button=btn, label=lab, mode="vi", max_len=200),
                       "plain": TextField(button=btn, label=lab, mode="plain", max_len=120),
                       "digits": TextField(button=btn, label=lab, mode="digits", max_len=12)}
        lay.addWidget(self.a_title)
        lay.addWidget(self.a_hint)
        lay.addWidget(self.a_msg)
        lay.addStretch(1)
        for f in self.fields.values():
            lay.addWidget(f)
        row = QHBoxLayout()
        self.a_skip = btn("", size=7.5, min_h_mm=18)
        self.a_skip.clicked.connect(lambda: self.submit_answer(skip=True))
        self.a_next = btn("", size=7.5, color=t.ok, min_h_mm=18)
        self.a_next.clicked.connect(lambda: self.submit_answer(skip=False))
        row.addWidget(self.a_skip)
        row.addWidget(self.a_next)
        lay.addLayout(row)
        lay.addWidget(self._back())

        # Each required document photographed, the pages as thumbnails to retake or delete (kiosk.photos).
        self.photos = PhotoScreens(w, self.backend.camera, self._page, covers=self.form.covers,
                                   then=lambda: self.host.show_page("delivery"))

        lay = self._page("delivery")
        self.v_title = lab("", size=7.5, bold=True, color=t.accent)
        self.v_center = btn("", size=7.5, min_h_mm=24)
        self.v_center.clicked.connect(lambda: self.choose_delivery("center"))
        self.v_post = btn("", size=7.5, min_h_mm=24)
        self.v_post.clicked.connect(lambda: self.choose_delivery("post"))
        lay.addWidget(self.v_title)
        lay.addStretch(1)
        lay.addWidget(self.v_center)
        lay.addWidget(self.v_post)
        lay.addStretch(1)
        lay.addWidget(self._back())

        lay = self._page("review")
        self.r_title = lab("", size=7.5, bold=True, color=t.accent)
        self.r_body = lab("", size=7.5, align=Qt.AlignmentFlag.AlignLeft)
        self.r_msg = lab("", size=7.5, bold=True, color=t.warn)
        self.r_send = btn("", size=7.5, color=t.ok, min_h_mm=24)
        self.r_send.clicked.connect(self.send)
        lay.addWidget(self.r_title)
        lay.addWidget(self.r_body)
        lay.addWidget(self.form.review_panel)
        lay.addStretch(1)
        lay.addWidget(self.r_msg)
        lay.addWidget(self.r_send)
        lay.addWidget(self._back())

        lay = self._page("submitted")
        self.s_title = lab("", size=7.5, bold=True, color=t.ok)
        self.s_code = lab("", size=9, bold=True, color=t.accent)
        self.s_provisional = lab("", size=7.5, color=t.muted)
        self.s_lookup = lab("", size=7.5, bold=True, color=t.accent)
        self.s_due = lab("", size=7.5, bold=True)
        self.s_printed = lab("", size=7.5, bold=True)
        self.s_qr = QLabel()
        self.s_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.s_done = btn("", size=7.5, color=t.ok, min_h_mm=22)
        self.s_done.clicked.connect(lambda: self.host.go_home(clear=True))

        self.s_fee = FeePanel(self.host.kit)  # the fee and its VietQR, when the procedure has one
        for x in (self.s_title, self.s_code, self.s_lookup, self.s_provisional, self.s_due, self.s_printed, self.s_fee):
            lay.addWidget(x)
        lay.addWidget(self.form.a4_label)
        lay.addWidget(self.s_qr, 1)
        lay.addWidget(self.s_done)

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        """Texts in the window's language."""
        lang = self.host.lang
        self.catalog_button.setText(T.BTN_CATALOG(lang))
        self.submit_button.setText(T.BTN_SUBMIT(lang))
        self.c_title.setText(T.SUBMIT_PICK(lang) if self.submit_mode else T.CATALOG_TITLE(lang))
        self.c_empty.setText(T.CATALOG_HINT(lang))
        self.p_submit.setText(T.SUBMIT_HERE(lang))
        self.p_ticket.setText(T.TICKET_FOR_THIS(lang))
        self.i_title.setText(T.ID_TITLE(lang))
        self.i_body.setText(T.ID_BODY(lang) if self.backend.camera is not None else T.ID_NO_CAMERA(lang))
        self.i_view.setVisible(self.backend.camera is not None)
        self.i_guide.setVisible(self.backend.camera is not None)
        self.i_hint.setVisible(self.backend.camera is not None)
        self.i_capture.setVisible(self.backend.camera is not None)
        self.i_capture.setText(T.LIVE_CAPTURE(lang))
        self.i_type.setText(T.ID_TYPE(lang))
        self.a_skip.setText(T.SKIP(lang))
        self.a_next.setText(T.NEXT(lang))
        self.photos.retranslate()
        self.v_title.setText(T.DELIVERY_TITLE(lang))
        self.v_center.setText(T.DELIVERY_CENTER(lang))
        self.v_post.setText(T.DELIVERY_POST(lang))
        self.r_title.setText(T.REVIEW_TITLE(lang))
        self.form.retranslate()
        self.r_send.setText(T.SEND(lang))
        self.s_title.setText(T.SUBMITTED_TITLE(lang))
        self.s_done.setText(T.DONE(lang))
        for b in self.pages["catalog"].findChildren(QPushButton) + self.pages["procedure"].findChildren(QPushButton):
            if b.text() in (T.CANCEL.vi, T.CANCEL.en):
                b.setText(T.CANCEL(lang))

    # ------------------------------------------------------------------ catalog
    def open_catalog(self, *, submit: bool) -> None:
        """Look up a procedure (and, from its page, submit a dossier for it)."""
        self.submit_mode = submit
        self.c_field = None
        self.c_search.clear()
        self.retranslate()
        self.steps["catalog"].setText(self.step_text("choose"))
        self.steps["catalog"].setVisible(submit)
        self.host.show_page("catalog")
        if not self.backend.procedures:
            self._run(self.backend.load_catalog, self._on_catalog)
        self._show_results()

    def _draw_fields(self) -> None:
        """One button per field (lĩnh vực) of the catalog: browsing without typing."""
        names = list(dict.fromkeys(p.field for p in self.backend.procedures if p.field))
        if names == list(self.c_field_buttons):
            return
        for b in self.c_field_buttons.values():
            self.c_fields.removeWidget(b)
            b.deleteLater()
        self.c_field_buttons = {}
        for i, name in enumerate(names):
            b = self.host.kit.button(name, size=4.6, min_h_mm=13)
            b.setObjectName(f"field_{i}")
            b.clicked.connect(lambda _=False, name=name: self.choose_field(name))
            self.c_fields.addWidget(b, i // 3, i % 3)
            self.c_field_buttons[name] = b

    def choose_field(self, name: str | None) -> None:
        """Browse one field's procedures (again: all fields)."""
        self.c_field = None if name == self.c_field else name
        self.c_search.clear()
        self.c_page = 0
        self._show_results()

    def _next_results_page(self) -> None:
        self.c_page += 1
        self._show_results(keep_page=True)

    def _show_results(self, *, keep_page: bool = False) -> None:
        if not keep_page:
            self.c_page = 0
        self._draw_fields()
        query = self.c_search.text()
        procs = self.backend.procedures
        if query.strip():
            self.c_field = None
            everything = search_procedures(procs, query)
        elif self.c_field:
            everything = [p for p in procs if p.field == self.c_field]
        else:
            everything = []  # nothing typed, no field chosen: the field buttons are the menu
        pages = max(1, -(-len(everything) // RESULTS_PER_PAGE))
        self.c_page %= pages
        start = self.c_page * RESULTS_PER_PAGE
        self.c_matches = everything[start:start + RESULTS_PER_PAGE]
        for i, b in enumerate(self.c_result_buttons):
            if i < len(self.c_matches):
                b.setText(_short(self.c_matches[i].name, 70))
                b.show()
            else:
                b.hide()
        kit = self.host.kit
        for name, b in self.c_field_buttons.items():
            b.setStyleSheet(kit.button_style(kit.theme.dossier if name == self.c_field else kit.theme.panel))
        self.c_more.setVisible(pages > 1)
        self.c_more.setText(T.MORE_RESULTS(self.host.lang, page=self.c_page + 1, pages=pages))
        self.c_empty.setVisible(bool(query.strip()) and not everything)

    def pick_result(self, i: int) -> None:
        """The citizen touched the i-th result on the catalog page: that procedure's page."""
        if i >= len(self.c_matches):
            return
        self.procedure = p = self.c_matches[i]
        lang = self.host.lang
        self.p_name.setText(p.name)
        fee = formats.fee_text(p.fee, p.fee_note, free=Text(T.FEE_NONE("vi"), T.FEE_NONE("en")))
        fee_text = T.FEE(lang, fee=fee.en if lang == "en" else fee.vi) if p.fee else (fee.en if lang == "en" else fee.vi)
        duration = formats.processing_time(p.processing_time.value, p.processing_time.unit)
        self.p_facts.setText(f"{p.field} · {T.PROCESSING(lang)}: {duration.en if lang == 'en' else duration.vi}"
                             f"\n{fee_text}")
        docs = "\n".join(f"{i + 1}. {d.name}" + (f" — {d.note}" if d.note else "") for i, d in enumerate(p.documents))
        self.p_docs.setText(f"{T.DOCS_NEEDED(lang)}\n{docs}")
        self.form.show_procedure(p)
        self.guide.show_procedure(p)
        self._show_steps()
        self.steps["procedure"].setVisible(self.submit_mode)  # how many steps come, when submitting
        self.p_submit.setVisible(self.backend.camera is not None or True)
        self.host.show_page("procedure")

    def _take_number_for_procedure(self) -> None:
        service = self.procedure.service if self.procedure else None
        self.host.go_home(clear=False)
        if service:
            self.host.take_number(str(service))

    # ------------------------------------------------------------------ self-submission
    def start_submission(self) -> None:
        """Begin a dossier for the procedure on screen: first, who is submitting."""
        if self.procedure is None:
            return
        self.draft = DossierDraft(procedure=self.procedure)
        self.i_msg.setText("")
        self._show_steps()
        self.host.show_page("identify")
        if self.card_live is not None:
            self.card_live.start()

    def stop_card_reading(self) -> None:
        """Stop watching the camera for an ID card (the citizen may still type their details)."""
        if self.card_live is not None:
            self.card_live.stop()

    def read_card_now(self) -> None:
        """Read the card's QR in the newest frame (the button, or the live view when the card is held still)."""
        if self.host.busy or self.draft is None or self.card_feed is None or self.host.page != "identify":
            return
        frame = self.card_feed.frame()
        if frame is None:
            return
        self.host.busy = True
        self._run(lambda: read_card_in(frame), self._on_card_read)

    def _on_card_read(self, ok: bool, scan: Any) -> None:
        if self.host.page != "identify" or self.card_feed is None:
            return
        if not ok or scan is None:
            self.card_feed.watch.reset()  # held still but unread: try again after another second
            self.i_msg.setText(hint_text(T.LIVE_CARD_UNREAD, self.host.lang))  # stays while the live hint changes
            return
        self.on_card(scan)

    def on_card(self, scan: Any) -> None:
        """A card (or a bad card) seen by the camera."""
        if scan is None or self.draft is None:
            return
        if scan.kind != "cccd":
            self.i_msg.setText(T.ID_BAD(self.host.lang))
            return
        c = scan.citizen
        self.draft.name, self.draft.id_number, self.draft.address = c.name, c.id, c.address
        self.draft.from_card = True
        self.draft.card = c
        self.stop_card_reading()
        self._ask("phone")

    def _ask(self, step: str) -> None:
        self.stop_card_reading()
        if step == "phone" and self.draft is not None and self.form.wants(self.draft):
            self.form.open(self.draft, then=self._after_form)  # identified: the declaration form comes next
            return
        self.ask_step = step
        self._show_steps()
        lang = self.host.lang
        mode = {"name": "vi", "id_number": "digits", "phone": "digits", "email": "plain",
                "delivery_address": "vi"}[step]
        for m, f in self.fields.items():
            f.setVisible(m == mode)
            f.clear()
        d = self.draft
        prefill = {"name": d.name, "id_number": d.id_number, "phone": d.phone, "email": d.email,
                   "delivery_address": d.delivery_address or d.address} if d else {}
        if prefill.get(step):
            self.fields[mode].set_text(prefill[step])
        titles = {"name": T.ASK_NAME, "id_number": T.ASK_ID, "phone": T.ASK_PHONE, "email": T.ASK_EMAIL,
                  "delivery_address": T.ASK_ADDRESS}
        self.a_title.setText(titles[step](lang))
        who = f"{d.name} — {d.id_number}" if d and d.from_card else ""
        self.a_hint.setText(T.TELEX_HINT(lang) if mode == "vi" else who)
        self.a_msg.setText("")
        self.a_skip.setVisible(step == "email")
        self.host.show_page("ask")

    def submit_answer(self, *, skip: bool) -> None:
        """The citizen's answer on the question page (or none: skip), checked, then the next step."""
        d = self.draft
        if d is None:
            return
        step = self.ask_step
        mode = {"name": "vi", "id_number": "digits", "phone": "digits", "email": "plain",
                "delivery_address": "vi"}[step]
        value = "" if skip else self.fields[mode].text().strip()
        lang = self.host.lang
        problem = None
        if step == "name" and len(value) < 2:
            problem = T.ASK_NAME_BAD
        elif step == "id_number" and (len(value) != 12 or not value.isdigit()):
            problem = T.ASK_ID_BAD
        elif step == "phone" and not (len(value) == 10 and value.startswith("0")):
            problem = T.ASK_PHONE_BAD
        elif step == "email" and value and ("@" not in value or "." not in value.split("@")[-1]):
            problem = T.ASK_EMAIL_BAD
        elif step == "delivery_address" and len(value) < 8:
            problem = T.ASK_ADDRESS_BAD
        if problem is not None:
            self.a_msg.setText(problem(lang))
            return
        setattr(d, step, value)
        nxt = {"name": "id_number", "id_number": "phone", "phone": "email"}.get(step)
        if nxt:
            self._ask(nxt)
        elif step == "email":
            self._open_documents()
        else:
            self._review()

    def step_text(self, key: str) -> str:
        """"Bước 3/6: Liên hệ" for a step of this draft's submission (the form's step only when it has one)."""
        keys = [k for k in STEP_KEYS if k != "form" or (self.procedure is not None and form_of(self.procedure))]
        lang = self.host.lang
        if key in ("choose", "ahead", "done"):  # before step 1 (picking, then how many come), and after the last
            return {"choose": T.STEPS_CHOOSE, "ahead": T.STEPS_AHEAD, "done": T.STEPS_DONE}[key](lang, n=len(keys))
        if key not in keys:
            return ""
        return T.STEP(lang, i=keys.index(key) + 1, n=len(keys), name=T.STEP_NAMES[key](lang))

    def _show_steps(self) -> None:
        for page, label in self.steps.items():
            key = STEP_OF_PAGE[page]
            if page == "ask":
                key = {"name": "id", "id_number": "id", "delivery_address": "delivery"}.get(self.ask_step, "contact")
            label.setText(self.step_text(key))
        self.form.set_step(self.step_text("form"))

    def _after_form(self) -> None:
        d = self.draft
        if d is not None and d.declaration is not None:  # the form's phone and e-mail are the dossier's too
            for f in d.declaration.form.fields():
                value = d.declaration.values.get(f.key, "")
                if f.type is FieldType.PHONE and value and not d.phone:
                    d.phone = value
                elif f.type is FieldType.EMAIL and value and not d.email:
                    d.email = value
        self._ask("phone")

    def _open_documents(self) -> None:
        assert self.draft is not None
        self.photos.open(self.draft)

    def choose_delivery(self, how: str) -> None:
        """How the result comes back ("center" or "post", which asks for the address), then the review."""
        assert self.draft is not None
        self.draft.delivery = how
        if how == "post":
            self._ask("delivery_address")
        else:
            self._review()

    def _review(self) -> None:
        d = self.draft
        assert d is not None
        lang = self.host.lang
        docs = len(d.pages)
        how = T.DELIVERY_CENTER(lang) if d.delivery == "center" else f"{T.DELIVERY_POST(lang)}: {d.delivery_address}"
        self.r_body.setText(T.REVIEW_BODY(lang, procedure=d.procedure.name, name=d.name, id=d.id_number,
                                          phone=d.phone, email=d.email or "—", pages=docs, delivery=how))
        self.r_msg.setText("")
        self.form.fill_review(d, None)
        if d.declaration is not None and d.declaration.complete:
            today = self.form.today()
            self.host.run(lambda: declaration_preview(d, today), self.form.on_form_png,
                          lambda exc: log.warning("the declaration's picture failed: %s", exc))
        self.host.show_page("review")

    def send(self) -> None:
        """Send the dossier (off the GUI thread); the same draft id makes a retry safe."""
        if self.host.busy or self.draft is None:
            return
        self.host.busy = True
        self.r_send.setEnabled(False)
        self.r_msg.setText(T.SENDING(self.host.lang))
        draft = self.draft
        self._run(lambda: self.backend.submit(draft),
                  lambda ok, r: self.on_submitted(r if ok else SubmitResult(error_message=str(r))))

    def on_submitted(self, r: SubmitResult) -> None:
        """The hub has the dossier (or not): show the code, the return time and the slip's fate."""
        lang = self.host.lang
        self.r_send.setEnabled(True)
        if r.dossier is None:
            self.r_msg.setText(T.SEND_HUB_DOWN(lang) if r.hub_down else (r.error_message or T.SEND_FAILED(lang)))
            return
        self.last_result = r
        d = r.dossier
        self.s_code.setText(d.code)
        self.s_lookup.setText(T.SUBMITTED_LOOKUP_CODE(lang, code=d.lookup_code) if d.lookup_code else "")
        self.s_provisional.setText(T.PROVISIONAL(lang) if d.provisional else "")
        self.s_due.setText(T.DUE(lang, when=when_text(d.due_at)))
        self.s_printed.setText(T.SLIP_PRINTED(lang) if r.printed else T.SLIP_NOT_PRINTED(lang, reason=r.fault_vi))
        self.form.print_submitted(self.draft, d)  # the A4 page, printed while the citizen reads this page

        self.s_fee.show_fee(d.fee, lang)
        self.s_qr.setPixmap(qr_pixmap(d.lookup_url or d.id, self.host.kit.mm(40 if d.fee else 70)))
        self.draft = None  # personal data leaves memory; the screen keeps only the code until "Xong"
        self.host.show_page("submitted")

    # ------------------------------------------------------------------ worker results and reset
    def _on_catalog(self, ok: bool, _value: Any) -> None:
        if ok:
            self._show_results()
        else:
            self.c_empty.setText(T.CATALOG_OFFLINE(self.host.lang))

    def clear(self) -> None:
        """Forget the citizen (idle reset, "Xong"): the draft, the last dossier and its slip, typed text,
        photographs, and everything the dossier pages show — nothing of them stays in the window or here."""
        self.draft = None
        self.last_result = None
        self.procedure = None
        self.ask_step = ""
        self.stop_card_reading()
        self.photos.clear()
        for f in (*self.fields.values(), self.c_search):
            f.clear()
        for lab in (self.s_qr, self.s_code, self.s_lookup, self.s_due, self.s_printed, self.i_hint,
                    self.s_provisional, self.r_body, self.r_msg, self.a_hint, self.a_msg, self.i_msg, self.p_name,
                    self.p_facts, self.p_docs):
            lab.clear()
        self.s_fee.clear()
        self.form.clear()
        self.guide.clear()
        self.backend.forget()


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
