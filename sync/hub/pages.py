"""The public pages behind a slip's QR code (/d/...): small, no script (the ticket's page /t/… is sync.hub.tracking)."""
from __future__ import annotations

import html
from typing import Any

from motcua.config import SiteConfig

STATUS_NAMES = {
    "submitted": "Đã nộp tại trung tâm", "received": "Đã tiếp nhận", "processing": "Đang giải quyết",
    "supplement": "Cần bổ sung hồ sơ", "done": "Đã có kết quả", "returned": "Đã trả kết quả",
}


def dossier_html(config: SiteConfig, d: dict[str, Any] | None) -> str:
    """The public dossier look-up page (tra cứu hồ sơ)."""
    site = html.escape(config.site.name)
    if d is None:
        body = "<p class='big'>Không tìm thấy hồ sơ.</p><p>Dossier not found.</p>"
    else:
        rows = [f"<p class='code'>{html.escape(d['code'])}</p>"]
        if d["provisional"]:
            rows.append("<p class='small'>Mã tạm — mã chính thức sẽ được cấp khi đồng bộ với hệ thống của tỉnh</p>")
        rows.append(f"<p>{html.escape(d.get('procedure_name') or d['procedure'])}</p>")
        if d.get("applicant_masked"):
            rows.append(f"<p class='small'>Người nộp: {html.escape(d['applicant_masked'])}</p>")
        if d.get("due_at"):
            rows.append(f"<p>Hẹn trả kết quả: <b>{html.escape(d['due_at'][11:16])} ngày "
                        f"{html.escape(d['due_at'][8:10])}/{html.escape(d['due_at'][5:7])}/{html.escape(d['due_at'][:4])}</b></p>")
        steps = "".join(f"<li>{html.escape(STATUS_NAMES.get(x['status'], x['status']))} — "
                        f"{html.escape((x['at'] or '')[11:16])} {html.escape((x['at'] or '')[8:10])}/"
                        f"{html.escape((x['at'] or '')[5:7])}/{html.escape((x['at'] or '')[:4])}</li>"
                        for x in d.get("timeline", []))
        rows.append(f"<ol class='steps'>{steps}</ol>")
        body = "".join(rows)
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Tra cứu hồ sơ</title><style>"
            "body{font-family:sans-serif;margin:2em;color:#111}.code{font-size:1.6em;font-weight:bold}"
            ".small{color:#666}.steps{text-align:left}</style></head><body>"
            f"<h3>{site}</h3>{body}</body></html>")


def lookup_form_html(config: SiteConfig, code: str, *, wrong: bool = False) -> str:
    """The page for a dossier code without its look-up code: a form asking for the code printed on the slip.

    It says the same whether or not a dossier has that code (the codes are sequential: guessing one must
    reveal nothing)."""
    site = html.escape(config.site.name)
    error = ("<p class='err'>Mã hồ sơ hoặc mã tra cứu không đúng.<br>The dossier code or the look-up code is wrong.</p>"
             if wrong else "")
    body = (f"<p class='code'>{html.escape(code)}</p>{error}"
            "<p>Nhập mã tra cứu in trên giấy hẹn, cạnh mã hồ sơ.<br>"
            "<span class='small'>Enter the look-up code printed on the slip, beside the dossier code.</span></p>"
            "<form method='get'><input name='lookup_code' maxlength='16' autocomplete='off' autocapitalize='characters' "
            "required> <button type='submit'>Tra cứu / Look up</button></form>"
            "<p class='small'>Hoặc quét mã QR trên giấy hẹn / or scan the QR code on the slip.</p>")
    return _page("Tra cứu hồ sơ", site, body)


def too_many_html(config: SiteConfig) -> str:
    """The page for an address that looked up too many dossiers just now (429)."""
    body = ("<p class='big'>Bạn đã tra cứu quá nhiều lần.</p><p>Xin thử lại sau ít phút.</p>"
            "<p class='small'>Too many look-ups from this address: please try again in a few minutes.</p>")
    return _page("Tra cứu hồ sơ", html.escape(config.site.name), body)


def _page(title: str, site: str, body: str) -> str:
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;margin:2em;color:#111}.code{font-size:1.6em;font-weight:bold}"
            ".small{color:#666}.err{color:#c62828;font-weight:bold}input{font-size:1.4em;width:8em;"
            "text-transform:uppercase}button{font-size:1.2em}</style></head><body>"
            f"<h3>{site}</h3>{body}</body></html>")
