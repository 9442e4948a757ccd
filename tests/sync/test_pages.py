"""The public dossier pages are templates that escape what comes from outside (the province's catalog,
a typed code): markup in a procedure's name or a code is shown as text, never run."""
from __future__ import annotations

from support import small_site

from motcua.config import parse_site_config
from sync.hub.pages import dossier_html, lookup_form_html, too_many_html


def test_outside_text_is_escaped_on_the_public_pages() -> None:
    config = parse_site_config(small_site())
    page = dossier_html(config, {
        "code": "TAM-<b>1", "provisional": True, "procedure": "X", "procedure_name": "<script>alert(1)</script>",
        "applicant_masked": "N*** <i>A</i>", "due_at": "2026-11-30T17:00:00+07:00",
        "timeline": [{"status": "submitted", "at": "2026-11-26T09:05:00+07:00"}, {"status": "<img src=x>", "at": None}]})
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "TAM-&lt;b&gt;1" in page and "N*** &lt;i&gt;A&lt;/i&gt;" in page and "&lt;img src=x&gt;" in page
    assert "Hẹn trả kết quả: <b>17:00 ngày 30/11/2026</b>" in page and "Đã nộp tại trung tâm — 09:05 26/11/2026" in page
    assert "Mã tạm" in page and "Trung tâm thử nghiệm" in page
    missing = dossier_html(config, None)
    assert "Không tìm thấy hồ sơ." in missing and "Dossier not found." in missing
    form = lookup_form_html(config, "<svg onload=x>", wrong=True)
    assert "<svg" not in form and "&lt;svg onload=x&gt;" in form and "không đúng" in form
    assert "lookup_code" in form and "không đúng" not in lookup_form_html(config, "TAM-1")
    assert "quá nhiều lần" in too_many_html(config)
