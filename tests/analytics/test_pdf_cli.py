"""`motcua report`: the printable A4 report (heading, date line, figures, embedded fonts), XLSX, CSV and JSON."""
from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest

from analytics.pdf import admin_date
from motcua.cli import main
from motcua.config import example_site_config_path, load_site_config
from sync.history import seed_history

CONFIG_PATH = example_site_config_path()


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pdf") / "site.db"
    seed_history(db, load_site_config(CONFIG_PATH), weeks=5, until=date(2026, 12, 1), per_day=120, seed=9)
    return db


def _pdftotext(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.fail("pdftotext missing: install.sh installs poppler-utils")
    return subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_admin_date_line() -> None:
    assert admin_date(date(2026, 11, 30), "Bắc Ninh") == "Bắc Ninh, ngày 30 tháng 11 năm 2026"
    assert admin_date(date(2027, 2, 5), "Bắc Ninh") == "Bắc Ninh, ngày 05 tháng 02 năm 2027"  # Decree 30/2020
    assert admin_date(date(2026, 3, 9)) == "Ngày 09 tháng 3 năm 2026"


def test_monthly_pdf_has_the_heading_and_the_databases_figures(history_db: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    pdf, png = tmp_path / "bao-cao.pdf", tmp_path / "trang1.png"
    code = main(["report", "month", "--db", str(history_db), "--config", str(CONFIG_PATH), "--month", "2026-11",
                 "--pdf", str(pdf), "--png", str(png), "--xlsx", str(tmp_path / "r.xlsx"), "--csv", str(tmp_path / "csv"),
                 "--json", str(tmp_path / "r.json"), "--issued-on", "2026-11-30"])
    assert code == 0, capsys.readouterr().err
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF") and b"/FontFile2" in raw  # our TrueType fonts are embedded
    text = _pdftotext(pdf)
    for line in ("UBND TỈNH BẮC NINH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Bắc Ninh, ngày 30 tháng 11 năm 2026", "BÁO CÁO",
                 "tháng 11 năm 2026", "DỰ BÁO 14 NGÀY TỚI", "SỐ QUẦY CẦN MỞ", "GIÁM ĐỐC"):
        assert line in text, line
    con = sqlite3.connect(history_db)
    issued = con.execute("SELECT COUNT(*) FROM tickets WHERE day BETWEEN '2026-11-01' AND '2026-11-30' "
                         "AND test = 0").fetchone()[0]
    dossiers = con.execute("SELECT COUNT(*) FROM dossiers WHERE day LIKE '2026-11-%'").fetchone()[0]
    con.close()
    issued_text = f"{issued:,}".replace(",", ".")
    summary = text[text.index("Số thứ tự đã phát"):].splitlines()[0]
    assert summary.split()[-1] == issued_text
    assert f"{dossiers:,} (ki-ốt / kiosk".replace(",", ".") in text
    assert png.read_bytes().startswith(b"\x89PNG")
    figures = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert figures["total"]["issued"] == issued and figures["dossiers"]["total"] == dossiers
    rows = list(csv.reader(io.StringIO((tmp_path / "csv" / "services.csv").read_text(encoding="utf-8-sig"))))
    assert rows[-1][2] == str(issued)
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert [r for r in wb["Linh vuc"].iter_rows(values_only=True)][-1][2] == issued


def test_forecast_and_plan_from_the_command_line(history_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert main(["report", "forecast", "--db", str(history_db), "--config", str(CONFIG_PATH), "--from", "2026-12-01",
                 "--weeks", "5", "--json", str(out), "--pdf", str(tmp_path / "plan.pdf"),
                 "--issued-on", "2026-11-30"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    fc, plan = data["forecast"], data["plan"]
    assert fc["days"][0] == "2026-12-01" and len(fc["days"]) == 14
    assert fc["open"][5] is False  # Sunday 6 December
    assert fc["total"]["backtest"]["weeks"] >= 2 and fc["total"]["backtest"]["wape"] is not None
    assert any(n for s in plan["services"] for n in s["counters"][0])
    text = _pdftotext(tmp_path / "plan.pdf")
    assert "KẾ HOẠCH" in text and "Dự báo nhu cầu và bố trí quầy từ ngày 01/12/2026" in text


def test_a_bad_database_or_period_is_a_plain_error(tmp_path: Path, history_db: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "month", "--db", str(tmp_path / "none.db"), "--config", str(CONFIG_PATH),
                 "--month", "2026-11"]) == 2
    assert "no database" in capsys.readouterr().err
    assert main(["report", "period", "--db", str(history_db), "--config", str(CONFIG_PATH), "--period", "2026-11-40"]) == 2
    assert "not a period" in capsys.readouterr().err
