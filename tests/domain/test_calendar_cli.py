"""`motcua calendar` (motcua.calendar_cli): due times and the year's days off from the command line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.calendar_cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_due_tet_2026(capsys: pytest.CaptureFixture[str]) -> None:
    # Fri 13/02/2026 09:00 + 5 working days skips Tết (16-20/02): Fri 27/02 09:00.
    code, out, _ = run(capsys, "due", "--received", "2026-02-13T09:00", "--duration", "5d")
    assert code == 0
    assert out == "2026-02-27T09:00:00+07:00\n09 giờ 00 phút, ngày 27 tháng 02 năm 2026\n"


def test_due_with_cutoff_and_offset(capsys: pytest.CaptureFixture[str]) -> None:
    # 08:30 UTC is 15:30 in Vietnam, after the cut-off: counts from Wed 07:30, one day = Wed 17:00.
    code, out, _ = run(capsys, "due", "--received", "2026-03-03T08:30:00Z", "--duration", "1d",
                       "--cutoff", "15:00")
    assert code == 0
    assert out.splitlines() == ["2026-03-04T17:00:00+07:00", "17 giờ 00 phút, ngày 04 tháng 03 năm 2026"]


def test_due_hours_half_day_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "due", "--received", "2026-03-02T12:00", "--duration", "0.5d", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["start"] == "2026-03-02T13:00:00+07:00"
    assert data["due"] == "2026-03-02T17:00:00+07:00"
    assert data["due_vi"] == "17 giờ 00 phút, ngày 02 tháng 03 năm 2026"
    assert data["duration"] == "0.5d" and data["cutoff"] is None


def test_due_with_pause(capsys: pytest.CaptureFixture[str]) -> None:
    # Same case as test_worktime.test_pause_of_two_working_days.
    code, out, _ = run(capsys, "due", "--received", "2026-03-02T09:00", "--duration", "3d",
                       "--pause", "2026-03-03T10:00/2026-03-05T10:00")
    assert code == 0
    assert out.splitlines()[0] == "2026-03-09T09:00:00+07:00"


def test_due_with_hours_and_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "days.toml"
    table.write_text('[years.2026]\ndays_off = [2026-03-03]\n', encoding="utf-8")
    # A day is one 08:00-12:00 session (4 h), and this table makes Tue 03/03 a day off:
    # 2d from Mon 08:00 = Mon 08:00-12:00 (1d), Tue skipped, Wed 08:00-12:00 (2d) = Wed 12:00.
    code, out, _ = run(capsys, "due", "--received", "2026-03-02T08:00", "--duration", "2d",
                       "--hours", "08:00-12:00", "--table", str(table))
    assert code == 0, out
    assert out.splitlines()[0] == "2026-03-04T12:00:00+07:00"


@pytest.mark.parametrize("argv", [
    ["due", "--received", "yesterday", "--duration", "1d"],
    ["due", "--received", "2026-03-02T09:00", "--duration", "1 week"],
    ["due", "--received", "2026-03-02T09:00", "--duration", "1d", "--cutoff", "3pm"],
    ["due", "--received", "2026-03-02T09:00", "--duration", "1d", "--pause", "2026-03-02T10:00"],
    ["due", "--received", "2026-03-02T09:00", "--duration", "1d", "--hours", "17:00-08:00"],
    ["due", "--received", "9999-12-31T18:00", "--duration", "1d"],
    ["days", "--year", "12"],
])
def test_bad_input_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("motcua calendar: ") and "/" in err


def test_missing_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["due", "--received", "2026-03-02T09:00"])
    assert info.value.code == 2


def test_bad_table_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "days.toml"
    table.write_text('[years.2026]\nmake_up_days = [2026-03-03]\n', encoding="utf-8")
    code, _, err = run(capsys, "due", "--received", "2026-03-02T08:00", "--duration", "1d",
                       "--table", str(table))
    assert code == 1
    assert "years.2026.make_up_days[0]" in err and str(table) in err


def test_days_table_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "days", "--year", "2026", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["source"] == "table"
    assert len(data["days_off"]) == 14
    assert [d["date"] for d in data["make_up_days"]] == ["2026-01-10", "2026-08-22"]


def test_days_package_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "days", "--year", "2027")
    assert code == 0
    assert "holidays" in out.splitlines()[0]
    assert "2027-02-08 T2" in out
    assert "2027-02-06" not in out  # a Saturday: off anyway, not listed


def test_through_the_motcua_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "calendar", "due", "--received", "2026-01-09T09:00",
         "--duration", "1d"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    # Sat 10/01/2026 is a make-up working day.
    assert proc.stdout.splitlines() == ["2026-01-10T09:00:00+07:00",
                                        "09 giờ 00 phút, ngày 10 tháng 01 năm 2026"]
