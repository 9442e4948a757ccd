"""The document step of a self-submission (issue 17): for each required document the live camera picture with
the page's outline, the photo taken by itself when the page lies still and sharp (or by the button), and the
pages taken so far as thumbnails; touching one shows it large with "Chụp lại / Retake" and "Xoá / Delete".
The dossier carries the pages that are left, in the order shown.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk import texts as T
from kiosk.backend import CapturedDocument, DossierDraft
from kiosk.host import KioskHost, back_button, run_then_idle
from kiosk.live import LiveCamera, LiveFeed, LiveView
from ui.qt import QColor, QGridLayout, QLabel, QPainter, QPixmap, QPushButton, QRectF, Qt, QVBoxLayout

log = logging.getLogger(__name__)

THUMBS_PER_ROW = 6
PHOTO_PAGES = ("documents", "page_view")


def photograph(frame: Any, document: str) -> CapturedDocument:
    """A frame to an uploadable page of a document: found, straightened, checked (scanners.document)."""
    from scanners.document import capture_document

    page = capture_document(frame)
    issue = page.quality_issue.text.vi if page.quality_issue is not None else ""
    return CapturedDocument(document, page.jpeg, page.preview_png, bool(page.found), issue)


class Thumb(QPushButton):
    """A page taken, small, as a touch target: its picture and its number."""

    def __init__(self, host: KioskHost, number: int, png: bytes) -> None:
        super().__init__("")
        self.host, self.number = host, number
        self.setObjectName(f"thumb_{number}")
        self.setFixedSize(host.kit.mm(34), host.kit.mm(44))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pm = QPixmap()
        pm.loadFromData(png, "PNG")
        self.picture = pm.scaled(self.width() - 8, self.height() - host.kit.mm(9), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)

    def paintEvent(self, _ev: Any) -> None:  # noqa: N802 - Qt's name
        """The picture, framed, with its number under it."""
        p = QPainter(self)
        try:
            kit = self.host.kit
            p.fillRect(QRectF(0, 0, self.width(), self.height()), QColor(kit.theme.panel))
            p.drawPixmap(int((self.width() - self.picture.width()) / 2), 4, self.picture)
            p.setPen(QColor(kit.theme.accent))
            p.setFont(kit.font(7.5, bold=True))
            p.drawText(QRectF(0, self.height() - kit.mm(9), self.width(), kit.mm(9)),
                       int(Qt.AlignmentFlag.AlignCenter), str(self.number))
        finally:
            p.end()

    def drop(self) -> None:
        """Forget the picture (the button is being removed)."""
        self.picture = QPixmap()


class PhotoScreens:
    """The "documents" page (one required document at a time) and the "page_view" page (one page large)."""

    def __init__(self, host: KioskHost, camera: Any, page: Callable[[str], QVBoxLayout], *,
                 covers: Callable[[DossierDraft, str], bool], then: Callable[[], None]) -> None:
        self.host, self.camera, self.covers, self.then = host, camera, covers, then
        self.draft: DossierDraft | None = None
        self.doc_index = 0
        self.retake_index: int | None = None
        self.viewing: int | None = None
        self.thumbs: list[Thumb] = []
        kit, t = host.kit, host.kit.theme
        lab, btn = kit.label, kit.button

        lay = page("documents")
        self.d_title = lab("", size=7.5, bold=True, color=t.accent)
        self.d_name = lab("", size=7.5, bold=True)
        self.view = LiveView(host, card=False)
        self.d_hint = lab("", size=7.5, bold=True, color=t.accent)
        self.d_hint.setObjectName("live_hint")
        self.d_msg = lab("", size=7.5)
        self.d_thumbs_title = lab("", size=7.5, color=t.muted, align=Qt.AlignmentFlag.AlignLeft)
        self.d_thumbs = QGridLayout()
        self.d_thumbs.setSpacing(kit.mm(2))
        self.d_thumbs.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.d_capture = btn("", size=7.5, color=t.ok, min_h_mm=20)
        self.d_capture.clicked.connect(self.capture)
        self.d_next = btn("", size=7.5, color=t.ok, min_h_mm=20)
        self.d_next.clicked.connect(self.next_document)
        self.d_skip = btn("", size=7.5, min_h_mm=16)
        self.d_skip.clicked.connect(self.next_document)
        for x in (self.d_title, self.d_name):
            lay.addWidget(x)
        lay.addWidget(self.view, 3)
        lay.addWidget(self.d_hint)
        lay.addWidget(self.d_msg)
        lay.addWidget(self.d_thumbs_title)
        lay.addLayout(self.d_thumbs)
        lay.addStretch(1)
        row = QGridLayout()
        row.addWidget(self.d_capture, 0, 0)
        row.addWidget(self.d_next, 0, 1)
        lay.addLayout(row)
        lay.addWidget(self.d_skip)
        lay.addWidget(back_button(host))
        self.feed = LiveFeed(camera, clock=host.clock, card=False) if camera is not None else None
        self.live = LiveCamera(host, self.feed, self.view, self.d_hint, page="documents",
                               on_take=self.capture) if self.feed is not None else None

        lay = page("page_view")
        self.v_title = lab("", size=7.5, bold=True, color=t.accent)
        self.v_picture = QLabel()
        self.v_picture.setObjectName("page_view_picture")
        self.v_picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.v_retake = btn("", size=7.5, color=t.ok, min_h_mm=22)
        self.v_retake.clicked.connect(self.retake)
        self.v_delete = btn("", size=7.5, color=t.warn, min_h_mm=22)
        self.v_delete.clicked.connect(self.delete)
        self.v_keep = btn("", size=7.5, min_h_mm=20)
        self.v_keep.clicked.connect(self.show_document)
        lay.addWidget(self.v_title)
        lay.addWidget(self.v_picture, 1)
        row = QGridLayout()
        row.addWidget(self.v_retake, 0, 0)
        row.addWidget(self.v_delete, 0, 1)
        lay.addLayout(row)
        lay.addWidget(self.v_keep)

    # ------------------------------------------------------------------ the steps
    def retranslate(self) -> None:
        """Texts in the window's language."""
        lang = self.host.lang
        self.d_capture.setText(T.LIVE_CAPTURE(lang))
        self.d_next.setText(T.PAGE_NEXT_DOC(lang))
        self.d_skip.setText(T.DOC_SKIP(lang))
        self.v_retake.setText(T.PAGE_RETAKE(lang))
        self.v_delete.setText(T.PAGE_DELETE(lang))
        self.v_keep.setText(T.PAGE_KEEP(lang))

    def open(self, draft: DossierDraft) -> None:
        """The first required document (the draft's pages start empty)."""
        self.draft = draft
        draft.pages.clear()
        self.doc_index = 0
        self.retake_index = None
        self.d_msg.clear()
        self.show_document()

    def show_document(self) -> None:
        """The current document's page: its name, the camera, the pages taken so far."""
        d = self.draft
        if d is None:
            return
        docs = d.procedure.documents
        while self.doc_index < len(docs) and self.covers(d, docs[self.doc_index].name):
            self.doc_index += 1  # the declaration filled on screen is not photographed
        if self.doc_index >= len(docs):
            self._stop()
            self.then()
            return
        lang = self.host.lang
        self.retranslate()
        if self.retake_index is not None:
            self.d_title.setText(T.PAGE_RETAKING(lang, i=self.retake_index + 1))
            self.d_name.setText(d.pages[self.retake_index].document)
        else:
            self.d_title.setText(T.DOC_TITLE(lang, i=self.doc_index + 1, n=len(docs)))
            self.d_name.setText(docs[self.doc_index].name)
        if self.camera is None:
            self.d_msg.setText(T.DOC_NO_CAMERA(lang))
        self.d_capture.setVisible(self.camera is not None)
        self.view.setVisible(self.camera is not None)
        taken = sum(1 for p in d.pages if p.document == docs[self.doc_index].name)
        self.d_next.setVisible(taken > 0 and self.retake_index is None)
        self.d_skip.setVisible(taken == 0 and self.retake_index is None)
        self._draw_thumbs()
        self.host.show_page("documents")
        if self.live is not None and not self.live.running:
            self.live.start()

    def capture(self) -> None:
        """Take the photo of the newest frame (the button, or the live view when the page lies still)."""
        d = self.draft
        if self.host.busy or d is None or self.feed is None or self.host.page != "documents":
            return
        frame = self.feed.frame()
        if frame is None:
            self.d_msg.setText(T.DOC_NO_FRAME(self.host.lang))
            return
        self.feed.watch.taken()  # the next photo by itself waits for the next page
        self.host.busy = True
        self.d_hint.setText(T.DOC_WORKING(self.host.lang))
        if self.retake_index is not None:
            document = d.pages[self.retake_index].document
        else:
            document = str(d.procedure.documents[self.doc_index].name)
        run_then_idle(self.host, lambda: photograph(frame, document),
                      lambda ok, page: self.on_page(page if ok else None))

    def on_page(self, page: CapturedDocument | None) -> None:
        """A photographed page came back: it joins the pages (or replaces the one being retaken)."""
        d = self.draft
        lang = self.host.lang
        if d is None:
            return
        if page is None:
            self.d_msg.setText(T.DOC_NO_FRAME(lang))
            return
        if self.retake_index is not None and self.retake_index < len(d.pages):
            d.pages[self.retake_index] = page
            number = self.retake_index + 1
            self.retake_index = None
        else:
            d.pages.append(page)
            number = len(d.pages)
        issue = page.issue or ("" if page.found_page else T.DOC_NO_PAGE(lang))
        self.d_msg.setText(T.PAGE_TAKEN(lang, n=number) + (f"\n{issue}" if issue else ""))
        self.show_document()

    def next_document(self) -> None:
        """On to the next document (this one done, or skipped: brought on paper)."""
        self.doc_index += 1
        self.d_msg.clear()
        self.show_document()

    # ------------------------------------------------------------------ one page
    def open_page(self, index: int) -> None:
        """One page large, to retake or delete it."""
        d = self.draft
        if d is None or not 0 <= index < len(d.pages):
            return
        self.viewing = index
        page = d.pages[index]
        self.v_title.setText(T.PAGE_VIEW_TITLE(self.host.lang, i=index + 1, n=len(d.pages), document=page.document))
        pm = QPixmap()
        pm.loadFromData(page.preview_png, "PNG")
        self.v_picture.setPixmap(pm.scaled(self.host.kit.mm(200), self.host.kit.mm(240),
                                           Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self._stop()
        self.host.show_page("page_view")

    def retake(self) -> None:
        """Photograph the page on screen again: the new photo takes its place."""
        if self.viewing is None:
            return
        self.retake_index, self.viewing = self.viewing, None
        self.v_picture.clear()
        self.d_msg.clear()
        self.show_document()

    def delete(self) -> None:
        """Leave the page on screen out of the dossier."""
        d = self.draft
        if d is not None and self.viewing is not None and self.viewing < len(d.pages):
            del d.pages[self.viewing]
        self.viewing = None
        self.v_picture.clear()
        self.d_msg.setText(T.PAGE_DELETED(self.host.lang))
        self.show_document()

    # ------------------------------------------------------------------ drawing and forgetting
    def _draw_thumbs(self) -> None:
        self._drop_thumbs()
        d = self.draft
        pages = d.pages if d is not None else []
        for i, page in enumerate(pages):
            t = Thumb(self.host, i + 1, page.preview_png)
            t.clicked.connect(lambda _=False, i=i: self.open_page(i))
            self.d_thumbs.addWidget(t, i // THUMBS_PER_ROW, i % THUMBS_PER_ROW)
            self.thumbs.append(t)
        lang = self.host.lang  # before the first page: how it works, where the pages will show
        self.d_thumbs_title.setText(T.PAGES_TITLE(lang) if pages else T.PAGES_HOWTO(lang))
        self.d_thumbs_title.setVisible(self.camera is not None)

    def _drop_thumbs(self) -> None:
        # Hazard: deleteLater waits for the event loop; hidden, unparented and emptied now, no stale page shows.
        for t in self.thumbs:
            self.d_thumbs.removeWidget(t)
            t.drop()
            t.hide()
            t.setParent(None)
            t.deleteLater()
        self.thumbs = []

    def _stop(self) -> None:
        if self.live is not None:
            self.live.stop()

    def clear(self) -> None:
        """Forget the citizen's pages: the draft reference, the thumbnails, the large page, the camera's frames."""
        self._stop()
        self.draft = None
        self.retake_index = self.viewing = None
        self.doc_index = 0
        self._drop_thumbs()
        for lab in (self.v_picture, self.v_title, self.d_msg, self.d_name, self.d_hint):
            lab.clear()
