"""`motcua demo --headless`: the smoke test of the whole system."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path


def test_headless_demo_writes_a_truthful_summary(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())",
                           "demo", "--headless", "--minutes", "20", "--speed", "300", "--out", str(out),
                           "--history-weeks", "1"],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("tickets_issued", "tickets_called", "tickets_completed", "dossiers_received", "ratings", "synced",
                "lost", "failed"):
        assert isinstance(summary[key], int), key
    assert 0 < summary["tickets_called"] <= summary["tickets_issued"] + 10
    assert 0 < summary["tickets_completed"] <= summary["tickets_called"]
    assert summary["lost"] == 0 and summary["failed"] == 0
    # Every ticket and dossier reached the central server.
    assert summary["synced"] == summary["tickets_issued"] + summary["dossiers_received"]
    assert summary["dossiers_received"] >= 5  # 3 at the kiosk, 2 at the counter (and the pictures' own)
    # The kiosk role printed every ticket through its real backend: bytes and preview for each.
    details = json.loads((out / "details.json").read_text(encoding="utf-8"))
    printed = sorted((out / "printed").glob("*-ticket-*.bin"))
    assert len(printed) == details["kiosk_tickets"] > 50
    slips = sorted((out / "printed").glob("slip-*.bin"))
    assert len(slips) == details["dossiers_by_channel"]["kiosk"] + details["dossiers_by_channel"]["counter"] == 5
    assert all(p.with_suffix(".png").stat().st_size > 1000 for p in printed[:20])
    screens = {p.name for p in (out / "screens").glob("kiosk-*.png")}
    assert {f"kiosk-{o}-{s}.png" for o in ("portrait", "landscape")
            for s in ("home", "ticket", "printer-fault", "hub-down")} <= screens
    assert {"kiosk-dossier-3-identify.png", "kiosk-dossier-8-submitted.png", "kiosk-dossier-9-lookup.png"} <= screens
    assert {"board.png", "board-3840x2160.png", "counter.png"} <= {p.name for p in (out / "screens").glob("*.png")}
    # Every call was announced: one line each, with its WAV.
    lines = [json.loads(x) for x in (out / "announcements.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len([x for x in lines if not x.get("recall")]) == summary["tickets_called"]
    for x in lines[:10]:
        assert {"at", "display", "counter", "text", "wav"} <= set(x)
        assert x["text"].startswith("Mời công dân có số thứ tự") and (out / x["wav"]).stat().st_size > 10_000
    assert details["database_integrity"] == "ok"
    # A week of history was seeded first: the summary counts the morning only, and the reports show the past.
    assert details["history"]["weeks"] == 1 and details["history"]["tickets"] > 1000
    assert (out / "reports" / "report.pdf").read_bytes().startswith(b"%PDF")
    forecast = json.loads((out / "reports" / "forecast.json").read_text(encoding="utf-8"))
    assert len(forecast["days"]) == 14 and sum(forecast["total"]["daily"]) > 0
    assert summary["reports_written"] == len(details["reports"]) >= 3
    if shutil.which("chromium"):  # the console's pages, as a manager sees them
        for name in ("console-live", "console-report", "console-report-services", "console-forecast"):
            assert f"screens/{name}.png" in details["reports"]
            assert (out / "screens" / f"{name}.png").stat().st_size > 20_000
    assert details["events_seen_by_board"] >= summary["tickets_issued"] + summary["tickets_called"]
    check_fees(out, details)
    check_ratings(out, summary, details)
    check_forms(out, summary)
    check_bookings(out, summary)


def check_ratings(out: Path, summary: dict, details: dict) -> None:
    """Clerks signed in, part of the services rated by touch, keypad and phone; each rating names its clerk; the
    rating screen's four pages; the figures per clerk add up to the ratings stored."""
    import sqlite3

    assert 0 < summary["ratings"] <= summary["tickets_completed"]
    by_channel = details["ratings_by_channel"]
    assert by_channel.get("screen", 0) > 0 and by_channel.get("phone", 0) > 0
    assert sum(by_channel.values()) == summary["ratings"]
    con = sqlite3.connect(out / "hub.db")
    rows = con.execute("SELECT r.clerk, s.clerk, r.channel FROM ratings r JOIN service_segments s "
                       "ON s.ticket_id = r.ticket_id AND s.outcome = 'done'").fetchall()
    assert len(rows) == summary["ratings"] and all(a == b and a.startswith("NV") for a, b, _ in rows)
    assert {f"rating-{p}.png" for p in ("1-idle", "2-asking", "3-reasons", "4-thanks")} <= {
        p.name for p in (out / "screens").glob("rating-*.png")}
    figures = json.loads((out / "ratings-summary.json").read_text(encoding="utf-8"))
    assert sum(g["ratings"] for g in figures["groups"]) == figures["total"]["ratings"] == summary["ratings"]


def check_forms(out: Path, summary: dict) -> None:
    """Issue 17: a dossier submitted through its declaration form, its A4 page on the virtual printer, and a
    help request raised at the kiosk, seen by the board and taken at counter 1."""
    import io

    import pypdf

    assert summary["declarations_submitted"] == 1 and summary["help_requests_answered"] == 1
    screens = {p.name for p in (out / "screens").glob("kiosk-form-*.png")}
    assert {"kiosk-form-3-form-prefilled.png", "kiosk-form-4-form-missing.png", "kiosk-form-9-document.png",
            "kiosk-form-10-pages.png", "kiosk-form-11-page.png", "kiosk-form-12-review.png",
            "kiosk-form-13-submitted.png"} <= screens
    [pdf] = sorted((out / "printed" / "a4").glob("*.pdf"))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP" in text and "bổ sung hồ sơ xin việc làm" in " ".join(text.split())
    help_doc = json.loads((out / "help.json").read_text(encoding="utf-8"))
    assert [h["id"] for h in help_doc["open_seen_by_board"]] == [help_doc["requested"]["id"]]
    assert help_doc["acknowledged"]["counter"] == 1 and help_doc["open_after"] == []


def check_bookings(out: Path, summary: dict) -> None:
    """Five citizens booked the first slot and checked in at the kiosk; the booked and the walk-ins who left a
    phone with consent were told, through the central server's file provider, with their numbers masked."""
    import re
    import sqlite3

    assert summary["bookings_checked_in"] == 5
    con = sqlite3.connect(out / "hub.db")
    assert con.execute("SELECT COUNT(*) FROM booking_checkins").fetchone()[0] == 5
    notices = [json.loads(x) for x in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(notices) == summary["notices_sent"] >= 3 and len({n["id"] for n in notices}) == len(notices)
    assert all(re.fullmatch(r"09\*+\d\d", n["to"]) for n in notices)
    assert sum(n["kind"] == "called" for n in notices) >= 3
    assert (out / "screens" / "kiosk-booking.png").stat().st_size > 10_000


def check_fees(out: Path, details: dict) -> None:
    """Paid dossiers at the counter: the citizen's QR screen, the receipts; every printed VietQR decodes, its CRC
    verifies, and its amount and note are those of its dossier."""
    import sqlite3

    import zxingcpp
    from PIL import Image

    from motcua.vietqr import parse, transfer_note

    receipts = sorted((out / "printed").glob("receipt-*.bin"))
    assert len(receipts) == details["payments_recorded"] == 2
    assert all(p.with_suffix(".png").stat().st_size > 1000 for p in receipts)
    catalog = {p["code"]: p for p in json.loads((Path(__file__).resolve().parents[2] / "assets" / "catalog" /
                                                 "procedures.json").read_text(encoding="utf-8"))["procedures"]}
    con = sqlite3.connect(out / "hub.db")
    assert con.execute("SELECT COUNT(*) FROM payments").fetchone()[0] == 2
    procedure_of = dict(con.execute("SELECT provisional_code, procedure FROM dossiers"))
    seen = 0
    for png in sorted((out / "printed").glob("slip-*.png")):
        code = png.stem.split("-", 2)[2]
        fee = int(catalog[procedure_of[code]]["fee"])
        codes = [r.text for r in zxingcpp.read_barcodes(Image.open(png).convert("L"))]
        vietqr = [parse(c) for c in codes if c.startswith("000201")]
        assert len(vietqr) == (1 if fee else 0), png.name
        for qr in vietqr:
            assert (qr.amount, qr.note) == (fee, transfer_note(code)), png.name
            seen += 1
    assert seen >= 4
    screen = [r.text for r in zxingcpp.read_barcodes(Image.open(out / "screens" / "counter-fee-citizen.png").convert("L"))]
    assert len(screen) == 1 and parse(screen[0]).amount in {int(p["fee"]) for p in catalog.values()}


def test_interactive_demo_opens_the_kiosk_beside_the_hub(tmp_path: Path) -> None:
    import os
    import sqlite3

    from sync.server import free_port

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())",
                           "demo", "--port", str(free_port()), "--stop-after", "5"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Ki-ốt: cửa sổ đã mở" in proc.stdout and "token kiosk" in proc.stdout
    con = sqlite3.connect(tmp_path / "demo-data" / "demo-hub.db")
    assert con.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] > 0
