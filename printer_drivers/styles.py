"""What the paper layouts share (layouts.py, receipt.py): text sizes per paper width, and the place name
printed before the date ("Bắc Ninh, ngày …")."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from printer_drivers.document import Job, PageBuilder, Paper
from printer_drivers.render import TextStyle


@dataclass(frozen=True)
class Styles:
    """Text sizes for one paper width, in dots."""

    small: TextStyle
    header: TextStyle
    body: TextStyle
    body_bold: TextStyle
    heading: TextStyle
    title: TextStyle
    number: TextStyle
    qr_module: int

    @classmethod
    def for_paper(cls, paper: Paper) -> Styles:
        """Sizes that read well at arm's length on 80 mm, and still fit 58 mm."""
        if paper.dots >= 512:
            return cls(small=TextStyle(20), header=TextStyle(22, True), body=TextStyle(24),
                       body_bold=TextStyle(24, True), heading=TextStyle(28, True), title=TextStyle(22, True),
                       number=TextStyle(150, True, leading=1.0), qr_module=5)
        return cls(small=TextStyle(18), header=TextStyle(20, True), body=TextStyle(22),
                   body_bold=TextStyle(22, True),
                   heading=TextStyle(26, True), title=TextStyle(22, True),
                   number=TextStyle(120, True, leading=1.0), qr_module=4)

    @classmethod
    def for_ticket(cls, paper: Paper) -> Styles:
        """A queue ticket's sizes: the compact text of 58 mm on every roll (raster bytes are each line's box,
        and a ticket must stay under 8 KB: under a second at 115200 baud), the big number of the paper."""
        compact = cls.for_paper(Paper(width_mm=58))
        if paper.dots < 512:
            return compact
        full = cls.for_paper(paper)
        return cls(small=compact.small, header=compact.header, body=compact.body, body_bold=compact.body_bold,
                   heading=compact.heading, title=compact.title, number=full.number, qr_module=full.qr_module)


def place_name(center_name: str, address: str = "") -> str:
    """Địa danh for "Bắc Ninh, ngày …": the province or city in the center's name or address."""
    # The config has no "địa danh" field yet: take the province or city from the center's name.
    for text in (center_name, address):
        m = re.search(r"(?:tỉnh|thành phố)\s+(.+)$", text, flags=re.IGNORECASE)
        if m:
            return m.group(1).strip()
    return center_name


Copy = TypeVar("Copy", bound=str)


def copies_job(paper: Paper | None, copies: Sequence[Copy], draw: Callable[[PageBuilder, Styles, Copy], None], *,
               name: str) -> Job:
    """A document printed as several copies (liên), one after another, each cut (slips, receipts)."""
    paper = paper or Paper()
    s = Styles.for_paper(paper)
    page = PageBuilder(paper)
    for copy in copies:
        draw(page, s, copy)
        page.cut()
    return page.build(name=name)
