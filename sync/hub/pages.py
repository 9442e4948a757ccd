"""The public pages behind a slip's QR code (/d/...): small, no script, Jinja2 templates in
sync/hub/templates/ (autoescaped: a dossier's procedure name comes from the province's catalog). The
ticket's page /t/… is sync.hub.tracking."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from motcua.config import SiteConfig

STATUS_NAMES = {
    "submitted": "Đã nộp tại trung tâm", "received": "Đã tiếp nhận", "processing": "Đang giải quyết",
    "supplement": "Cần bổ sung hồ sơ", "done": "Đã có kết quả", "returned": "Đã trả kết quả",
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=jinja2.select_autoescape(("html",), default_for_string=True),
    trim_blocks=True, lstrip_blocks=True,
)
TITLE = "Tra cứu hồ sơ"


def _short(iso: str | None) -> str:
    """"09:05 26/11/2026" from the hub's ISO time (already in the center's time zone)."""
    return f"{iso[11:16]} {iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def dossier_html(config: SiteConfig, d: dict[str, Any] | None) -> str:
    """The public dossier look-up page (tra cứu hồ sơ): `d` is the hub's status view (None: not found)."""
    due = steps = None
    if d is not None:
        due = f"{d['due_at'][11:16]} ngày {d['due_at'][8:10]}/{d['due_at'][5:7]}/{d['due_at'][:4]}" if d.get("due_at") else ""
        steps = [{"name": STATUS_NAMES.get(x["status"], x["status"]), "when": _short(x.get("at"))}
                 for x in d.get("timeline", [])]
    return _templates.get_template("dossier.html").render(title=TITLE, site=config.site.name, d=d, due=due,
                                                           steps=steps or [])


def lookup_form_html(config: SiteConfig, code: str, *, wrong: bool = False) -> str:
    """The page for a dossier code without its look-up code: a form asking for the code printed on the slip.

    It says the same whether or not a dossier has that code (the codes are sequential: guessing one must
    reveal nothing)."""
    return _templates.get_template("lookup_form.html").render(title=TITLE, site=config.site.name, code=code,
                                                               wrong=wrong)


def too_many_html(config: SiteConfig) -> str:
    """The page for an address that looked up too many dossiers just now (429)."""
    return _templates.get_template("too_many.html").render(title=TITLE, site=config.site.name)
