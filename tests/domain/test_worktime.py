"""Working-time calendar (motcua.worktime): due times derived by hand from DOMAIN.md.

Default hours: 07:30–11:30 and 13:00–17:00 (8 h a day), Monday to Friday. Every expected value below
was worked out on paper from DOMAIN.md's rules and its table of days off; the comment says how.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.config import ConfigError
from motcua.worktime import (
    DayKind,
    Duration,
    OfficialDays,
    Season,
    WorkCalendar,
    WorkingHours,
    due,
    vietnamese_date,
    vietnamese_datetime,
)

CAL = WorkCalendar()  # the shipped table, default hours


def D(text: str) -> datetime:
    return datetime.fromisoformat(text)


# (received, duration, cutoff, expected due, why)
CASES: list[tuple[str, str, str | None, str, str]] = [
    # --- Tết 2024: Thu 08/02 – Wed 14/02 off (08, 09, 12, 13, 14 are weekdays) ---
    ("2024-02-07T09:00", "1d", None, "2024-02-15T09:00",
     "Wed before Tết; Thu 08 .. Wed 14 are off or weekend, so one day later is Thu 15 at the same time"),
    ("2024-02-07T16:00", "3d", None, "2024-02-19T16:00",
     "Wed 16:00 +1d = Thu 15 16:00, +2d = Fri 16, +3d = Mon 19 (the weekend 17-18 skipped)"),
    ("2024-02-10T10:00", "1d", None, "2024-02-15T17:00",
     "submitted online on Tết (Sat 10/02): received on the next working day Thu 15 at 07:30, +8 h = 17:00"),
    # --- Tết 2025: Mon 27/01 – Fri 31/01 off, weekends on both sides ---
    ("2025-01-24T10:00", "2d", None, "2025-02-04T10:00",
     "Fri 24/01; next working days are Mon 03/02 (1d) and Tue 04/02 (2d)"),
    ("2025-01-24T15:30", "1d", "15:00", "2025-02-03T17:00",
     "after the 15:00 cut-off on the last day before Tết: counting starts Mon 03/02 07:30, a day ends 17:00"),
    # --- Tết 2026: Mon 16/02 – Fri 20/02 off ---
    ("2026-02-13T09:00", "5d", None, "2026-02-27T09:00",
     "Fri 13/02; Tết week and both weekends skipped: Mon 23 (1) .. Fri 27 (5)"),
    ("2026-02-12T14:00", "16h", None, "2026-02-23T14:00",
     "16 h = two days: Fri 13 14:00 (8 h), then Mon 23 14:00 (16 h)"),
    ("2026-02-18T08:00", "0.5d", None, "2026-02-23T11:30",
     "received online on mùng 2 Tết: starts Mon 23 07:30; half a day = 4 h = the morning session"),
    # --- make-up Saturdays are working days ---
    ("2024-05-03T09:00", "1d", None, "2024-05-04T09:00",
     "Sat 04/05/2024 is worked (swapped with Mon 29/04), so Fri + 1d lands on that Saturday"),
    ("2024-04-26T10:00", "1d", None, "2024-05-02T10:00",
     "Fri 26/04/2024: Mon 29/04 (swapped), Tue 30/04, Wed 01/05 off, weekend: next is Thu 02/05"),
    ("2024-05-04T08:00", "1d", None, "2024-05-06T08:00",
     "received on the make-up Saturday itself at 08:00 (inside the morning session): +1d = Mon 06/05 08:00"),
    ("2025-04-25T14:00", "1d", None, "2025-04-26T14:00",
     "Sat 26/04/2025 is worked (swapped with Fri 02/05)"),
    ("2025-04-29T09:00", "2d", None, "2025-05-06T09:00",
     "Tue 29/04/2025: Wed 30/04, Thu 01/05, Fri 02/05 off, weekend: Mon 05/05 (1d), Tue 06/05 (2d)"),
    ("2025-12-31T10:00", "2d", None, "2026-01-06T10:00",
     "Wed 31/12/2025: Thu 01/01 and Fri 02/01/2026 off, weekend: Mon 05/01 (1d), Tue 06/01 (2d)"),
    ("2026-01-02T09:00", "1d", None, "2026-01-05T17:00",
     "2 January 2026 is a day off (swapped with Sat 10/01): an online dossier counts from Mon 05/01 07:30"),
    ("2026-01-09T09:00", "1d", None, "2026-01-10T09:00",
     "Sat 10/01/2026 is a make-up working day"),
    ("2026-08-21T15:00", "1d", None, "2026-08-22T15:00",
     "Sat 22/08/2026 is a make-up working day (for Mon 31/08)"),
    ("2026-08-28T09:00", "1d", None, "2026-09-03T09:00",
     "Fri 28/08/2026: Mon 31/08 (swapped), Tue 01/09, Wed 02/09 off: next is Thu 03/09"),
    ("2026-11-23T10:00", "1d", None, "2026-11-25T10:00",
     "Tue 24/11/2026, Ngày Văn hóa Việt Nam, is off from 2026"),
    ("2026-11-23T15:00", "0.5d", None, "2026-11-25T09:30",
     "Mon 23/11 15:00-17:00 = 2 h; Tue 24 off; Wed 25 07:30 + the other 2 h = 09:30"),
    # --- receipt during lunch and outside working hours (Mon 02/03/2026, an ordinary week) ---
    ("2026-03-02T12:00", "0.5d", None, "2026-03-02T17:00",
     "received during lunch: counting starts 13:00; 4 h later is 17:00"),
    ("2026-03-02T11:30", "1h", None, "2026-03-02T14:00",
     "11:30 is the end of the morning session (end exclusive): lunch, so 13:00 + 1 h"),
    ("2026-03-02T17:30", "1d", None, "2026-03-03T17:00",
     "after hours: counting starts Tue 07:30; 8 h later is Tue 17:00"),
    ("2026-03-02T06:45", "1h", None, "2026-03-02T08:30",
     "before opening: counting starts at 07:30"),
    ("2026-03-07T10:00", "1d", None, "2026-03-09T17:00",
     "an ordinary Saturday: counting starts Mon 09/03 07:30"),
    ("2026-03-06T16:30", "1h", None, "2026-03-09T08:00",
     "Fri 16:30-17:00 = 30 min, the other 30 min on Mon from 07:30"),
    # --- the 15:00 cut-off (per procedure) ---
    ("2026-03-03T15:30", "1d", "15:00", "2026-03-04T17:00",
     "after the cut-off: counts from Wed 07:30, one day = Wed 17:00"),
    ("2026-03-03T14:59", "1d", "15:00", "2026-03-04T14:59",
     "before the cut-off: counts from the receipt, same time next working day"),
    ("2026-03-03T15:00", "1d", "15:00", "2026-03-04T15:00",
     "exactly 15:00 is not after 15:00: counts from the receipt"),
    ("2026-03-06T15:30", "1d", "15:00", "2026-03-09T17:00",
     "Friday after the cut-off: the next working day is Monday"),
    ("2026-03-03T15:30", "1d", None, "2026-03-04T15:30",
     "the same receipt without a cut-off counts from 15:30"),
    ("2026-03-07T16:00", "1d", "15:00", "2026-03-09T17:00",
     "a cut-off on a weekend changes nothing: Mon 07:30 start either way"),
    ("2026-02-13T15:01", "1d", "15:00", "2026-02-23T17:00",
     "after the cut-off on the Friday before Tết 2026: counts from Mon 23/02 07:30"),
    # --- hour-based procedures ---
    ("2026-03-02T08:00", "16h", None, "2026-03-04T08:00",
     "16 working hours = two full days: Wed 08:00"),
    ("2026-03-02T10:00", "4h", None, "2026-03-02T15:30",
     "10:00-11:30 = 1.5 h, then 13:00 + 2.5 h = 15:30"),
    ("2026-03-02T07:30", "1d4h", None, "2026-03-03T11:30",
     "12 h from opening: Mon is 8 h (17:00), Tue morning is the other 4 h"),
    ("2026-03-02T12:00", "0h", None, "2026-03-02T13:00",
     "a zero duration is due when counting starts: after lunch"),
    ("2026-03-02T16:00", "2h", None, "2026-03-03T08:30",
     "16:00-17:00 = 1 h, the second hour is Tue 07:30-08:30"),
    # --- half days ---
    ("2026-03-02T07:30", "0.5d", None, "2026-03-02T11:30",
     "half a day from opening is the morning session"),
    ("2026-03-05T13:00", "1.5d", None, "2026-03-06T17:00",
     "12 h: Thu afternoon 4 h + Fri 8 h"),
    ("2026-04-29T09:00", "2.5d", None, "2026-05-05T14:30",
     ("20 h: Wed 29/04 gives 6.5 h; 30/04, 01/05 and the weekend off; Mon 04/05 8 h (14.5); "
      "Tue 05/05 morning 4 h (18.5) and 13:00 + 1.5 h")),
    ("2026-03-02T07:30", "1d", None, "2026-03-02T17:00",
     "one day from opening ends at the close of the same day (the earliest instant the time has passed)"),
    # --- 2027 from the holidays package (no table yet): Tết 04/02 – 10/02 ---
    ("2027-02-03T10:00", "1d", None, "2027-02-11T10:00",
     "package: Thu 04 .. Wed 10/02/2027 off (29 Tết to mùng 5), so Thu 11/02"),
    ("2027-04-29T10:00", "1d", None, "2027-05-04T10:00",
     "package: Fri 30/04 off, 01/05 is a Saturday so Mon 03/05 is off in lieu: Tue 04/05"),
]


@pytest.mark.parametrize(("received", "duration", "cutoff", "expected", "why"), CASES,
                         ids=[f"{c[0]}+{c[1]}{'@' + c[2] if c[2] else ''}" for c in CASES])
def test_due_by_hand(received: str, duration: str, cutoff: str | None, expected: str, why: str) -> None:
    got = due(D(received), Duration.parse(duration), cutoff=time.fromisoformat(cutoff) if cutoff else None,
              calendar=CAL)
    assert got == D(expected), why


def test_at_least_thirty_hand_cases() -> None:
    assert len(CASES) >= 30


# --- supplementation pause (chờ bổ sung): the clock stops for the paused working time ---

def test_pause_of_two_working_days() -> None:
    # Mon 02/03 09:00 + 3d would be Thu 05/03 09:00. Paused Tue 10:00 -> Thu 10:00: Tue 5.5 h, Wed 8 h,
    # Thu 2.5 h = 16 h = two working days, so the due moves to Mon 09/03 09:00.
    got = due(D("2026-03-02T09:00"), Duration(days=3), calendar=CAL,
              pauses=[(D("2026-03-03T10:00"), D("2026-03-05T10:00"))])
    assert got == D("2026-03-09T09:00")


def test_pause_across_holidays() -> None:
    # Tue 28/04/2026 09:00, 2d = 16 h. Counted 09:00-11:30 and 13:00-14:00 = 3.5 h, then paused until
    # Mon 04/05 14:00 (30/04, 01/05 and the weekend are inside the pause anyway). Mon 14-17 = 3 h (6.5),
    # Tue 05/05 8 h (14.5), Wed 06/05 07:30 + 1.5 h = 09:00.
    got = due(D("2026-04-28T09:00"), Duration(days=2), calendar=CAL,
              pauses=[(D("2026-04-28T14:00"), D("2026-05-04T14:00"))])
    assert got == D("2026-05-06T09:00")


def test_pause_outside_working_hours_changes_nothing() -> None:
    got = due(D("2026-03-02T09:00"), Duration(days=1), calendar=CAL,
              pauses=[(D("2026-03-02T17:30"), D("2026-03-03T07:00"))])
    assert got == D("2026-03-03T09:00")


def test_overlapping_pauses_are_merged() -> None:
    # 10:00-11:00 and 10:30-11:30 pause 1.5 h together, not 2 h.
    got = due(D("2026-03-02T09:00"), Duration(days=1), calendar=CAL,
              pauses=[(D("2026-03-02T10:00"), D("2026-03-02T11:00")),
                      (D("2026-03-02T10:30"), D("2026-03-02T11:30"))])
    assert got == D("2026-03-03T10:30")


def test_pause_before_start_counts_only_its_tail() -> None:
    # Received at lunch (start 13:00); a pause 12:00-14:00 only removes 13:00-14:00.
    got = due(D("2026-03-02T12:00"), Duration(hours=2), calendar=CAL,
              pauses=[(D("2026-03-02T12:00"), D("2026-03-02T14:00"))])
    assert got == D("2026-03-02T16:00")


def test_pause_errors() -> None:
    with pytest.raises(ValueError, match="ends before"):
        due(D("2026-03-02T09:00"), Duration(days=1), calendar=CAL,
            pauses=[(D("2026-03-03T10:00"), D("2026-03-03T09:00"))])
    with pytest.raises(ValueError, match="naive and aware"):
        due(D("2026-03-02T09:00"), Duration(days=1), calendar=CAL,
            pauses=[(D("2026-03-03T10:00+07:00"), D("2026-03-03T11:00+07:00"))])


# --- aware datetimes ---

def test_aware_in_and_out() -> None:
    # 02:00 UTC is 09:00 in Vietnam; one day later, returned in UTC+7.
    got = due(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), Duration(days=1), calendar=CAL)
    assert got == D("2026-03-03T09:00+07:00")
    assert got.utcoffset() == timedelta(hours=7)


def test_start_of_counting() -> None:
    assert CAL.start_of_counting(D("2026-03-02T12:10")) == D("2026-03-02T13:00")
    assert CAL.start_of_counting(D("2026-03-02T09:10")) == D("2026-03-02T09:10")
    assert CAL.start_of_counting(D("2026-03-02T15:10"), cutoff=time(15)) == D("2026-03-03T07:30")
    assert CAL.start_of_counting(D("2026-01-01T09:00+07:00")) == D("2026-01-05T07:30+07:00")


# --- the calendar itself ---

DOMAIN_TABLE = {
    2024: (["01-01", "02-08", "02-09", "02-12", "02-13", "02-14", "04-18", "04-29", "04-30", "05-01",
            "09-02", "09-03"], ["05-04"]),
    2025: (["01-01", "01-27", "01-28", "01-29", "01-30", "01-31", "04-07", "04-30", "05-01", "05-02",
            "09-01", "09-02"], ["04-26"]),
    2026: (["01-01", "01-02", "02-16", "02-17", "02-18", "02-19", "02-20", "04-27", "04-30", "05-01",
            "08-31", "09-01", "09-02", "11-24"], ["01-10", "08-22"]),
}


@pytest.mark.parametrize("year", sorted(DOMAIN_TABLE))
def test_shipped_table_is_domain_table(year: int) -> None:
    off, make_up = DOMAIN_TABLE[year]
    assert [d.strftime("%m-%d") for d, _ in CAL.official.days_off(year)] == off
    assert [d.strftime("%m-%d") for d, _ in CAL.official.make_up_days(year)] == make_up
    for d, name in CAL.official.days_off(year):
        assert d.isoweekday() < 6 and name
        assert CAL.day_kind(d) is DayKind.DAY_OFF
    for d, _ in CAL.official.make_up_days(year):
        assert d.isoweekday() == 6
        assert CAL.day_kind(d) is DayKind.MAKE_UP


@pytest.mark.parametrize("year", sorted(DOMAIN_TABLE))
def test_package_knows_less_than_the_table(year: int) -> None:
    # The holidays package's weekdays off are all in the table; the table knows swaps it may lack
    # (2026-01-02) and the make-up Saturdays, which the package never marks as worked.
    package = {d for d in holidays.country_holidays("VN", years=year) if d.isoweekday() < 6}
    table = {d for d, _ in CAL.official.days_off(year)}
    assert package <= table


def test_package_fallback_2027() -> None:
    assert CAL.official.year(2027) is None
    off = {d for d, _ in CAL.official.days_off(2027)}
    # Tết Đinh Mùi: mùng 1 is Sat 06/02/2027 (UTC+7); Giỗ Tổ 10/3 lunar is Fri 16/04/2027.
    assert {date(2027, 2, 4), date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10),
            date(2027, 4, 16), date(2027, 4, 30), date(2027, 5, 3), date(2027, 9, 2),
            date(2027, 11, 24)} <= off
    assert CAL.official.make_up_days(2027) == []


def test_day_kinds() -> None:
    assert CAL.day_kind(date(2026, 3, 2)) is DayKind.WORKDAY
    assert CAL.day_kind(date(2026, 3, 7)) is DayKind.WEEKEND
    assert CAL.day_kind(date(2026, 1, 2)) is DayKind.DAY_OFF
    assert CAL.day_kind(date(2026, 1, 10)) is DayKind.MAKE_UP
    assert CAL.next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)
    assert CAL.next_working_day(date(2025, 12, 31)) == date(2026, 1, 5)


def test_table_from_mapping_replaces_whole_years() -> None:
    # A central-server update for 2027 (hypothetical schedule): only Tết weekdays listed, so 30/04 is
    # a working day for this table even though the package has it off.
    update = {"years": {"2027": {"days_off": ["2027-02-05", {"date": "2027-02-08", "name": "Tết"}],
                                 "make_up_days": ["2027-02-20"]}}}
    table = OfficialDays.shipped().updated(update)
    cal = WorkCalendar(official=table)
    assert cal.day_kind(date(2027, 2, 5)) is DayKind.DAY_OFF
    assert cal.day_kind(date(2027, 2, 4)) is DayKind.WORKDAY
    assert cal.day_kind(date(2027, 4, 30)) is DayKind.WORKDAY
    assert cal.day_kind(date(2027, 2, 20)) is DayKind.MAKE_UP
    assert cal.day_kind(date(2026, 1, 2)) is DayKind.DAY_OFF  # shipped years kept
    assert table.days_off(2027)[1] == (date(2027, 2, 8), "Tết")
    # Fri 19/02/2027 09:00 + 1d lands on the make-up Saturday.
    assert due(D("2027-02-19T09:00"), Duration(days=1), calendar=cal) == D("2027-02-20T09:00")


def test_table_without_fallback() -> None:
    cal = WorkCalendar(official=OfficialDays.from_mapping({"years": {}}, fallback=False))
    assert cal.is_working_day(date(2027, 2, 8))


@pytest.mark.parametrize(("data", "key", "problem"), [
    ({"years": {"2026": {"make_up_days": ["2026-01-12"]}}}, "years.2026.make_up_days[0]", "weekday"),
    ({"years": {"2026": {"days_off": ["2025-12-31"]}}}, "years.2026.days_off[0]", "not in 2026"),
    ({"years": {"2026": {"days_off": ["2026-01-02", "2026-01-02"]}}}, "years.2026.days_off[1]", "twice"),
    ({"years": {"2026": {"days_off": ["2026-01-10"], "make_up_days": ["2026-01-10"]}}},
     "years.2026.make_up_days[0]", "also a day off"),
    ({"years": {"2026": {"holidays": []}}}, "years.2026.holidays", "unknown key"),
    ({"years": {"2026": {"days_off": ["2026-02-30"]}}}, "years.2026.days_off[0]", ""),
    ({"format": 2}, "format", "unsupported"),
    ({"years": {"abc": {}}}, "years.abc", ""),
])
def test_bad_tables_name_the_key(data: dict, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        OfficialDays.from_mapping(data, source="update-7")
    assert info.value.path == "update-7"
    assert info.value.key.startswith(key), info.value
    assert problem in info.value.problem


def test_load_errors(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        OfficialDays.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("years = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        OfficialDays.load(bad)


# --- working hours ---

SUMMER_WINTER = WorkingHours(
    sessions=("07:30-11:30", "13:00-17:00"),  # type: ignore[arg-type]
    seasons=[Season(name="hè", start="04-15", end="10-14",
                    sessions=("07:00-11:30", "13:30-17:00"))],  # type: ignore[arg-type]
)


def test_summer_hours() -> None:
    cal = WorkCalendar(hours=SUMMER_WINTER)
    # Wed 15/04/2026 is the first summer day: 07:00 opening, so 07:10 counts at once, +1 h = 08:10.
    assert due(D("2026-04-15T07:10"), Duration(hours=1), calendar=cal) == D("2026-04-15T08:10")
    # Tue 14/04 is still winter: 16:00-17:00 = 1 h, then Wed (summer) 07:00 + 1 h.
    assert due(D("2026-04-14T16:00"), Duration(hours=2), calendar=cal) == D("2026-04-15T08:00")
    # Summer lunch runs to 13:30.
    assert due(D("2026-06-01T13:10"), Duration(hours=1), calendar=cal) == D("2026-06-01T14:30")
    assert cal.hours.day_length == timedelta(hours=8)


def test_season_across_new_year() -> None:
    winter = Season(start="11-01", end="02-28", sessions=("08:00-12:00",))  # type: ignore[arg-type]
    assert winter.covers(date(2026, 12, 31)) and winter.covers(date(2027, 1, 15))
    assert not winter.covers(date(2026, 6, 1))


def test_shorter_day_and_explicit_day_length() -> None:
    short = WorkingHours(sessions=("08:00-12:00", "13:30-17:00"))  # type: ignore[arg-type]
    assert short.day_length == timedelta(hours=7.5)
    cal = WorkCalendar(hours=short)
    # One day from opening is the close of the same day with a 7.5 h day.
    assert due(D("2026-03-02T08:00"), Duration(days=1), calendar=cal) == D("2026-03-02T17:00")
    eight = WorkCalendar(hours=short.model_copy(update={"hours_per_day": 8.0}))
    # With days counted as 8 h, the extra 30 min spill into Tue.
    assert due(D("2026-03-02T08:00"), Duration(days=1), calendar=eight) == D("2026-03-03T08:30")


@pytest.mark.parametrize("sessions", [["11:30-07:30"], ["07:30-11:30", "11:00-17:00"], ["25:00-26:00"],
                                      ["7h30-11h30"], []])
def test_bad_sessions(sessions: list[str]) -> None:
    with pytest.raises(ValueError):
        WorkingHours(sessions=sessions)  # type: ignore[arg-type]


def test_a_calendar_without_working_days_stops() -> None:
    table = OfficialDays.from_mapping({"years": {}}, fallback=False)
    cal = WorkCalendar(hours=WorkingHours(weekdays=(6,)), official=table)
    # Saturdays only: fine.
    assert due(D("2026-03-02T09:00"), Duration(hours=1), calendar=cal) == D("2026-03-07T08:30")
    with pytest.raises(ValueError):
        WorkingHours(weekdays=())


# --- durations ---

@pytest.mark.parametrize(("text", "days", "hours"), [
    ("5d", 5, 0), ("16h", 0, 16), ("0.5d", 0.5, 0), ("0,5d", 0.5, 0), ("1d4h", 1, 4), (" 2H ", 0, 2),
    ("1.5h", 0, 1.5),
])
def test_duration_parse(text: str, days: float, hours: float) -> None:
    assert Duration.parse(text) == Duration(days=days, hours=hours)


@pytest.mark.parametrize("text", ["", "d", "5", "-1d", "4h1d", "1e3d", "5 days", "nand", "99999d"])
def test_duration_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def test_duration_values() -> None:
    with pytest.raises(ValueError):
        Duration(days=-1)
    with pytest.raises(ValueError):
        Duration(hours=float("nan"))
    with pytest.raises(TypeError):
        Duration(days="1")  # type: ignore[arg-type]
    assert str(Duration(days=1, hours=4)) == "1d4h"
    assert Duration(days=0.5).working_time(timedelta(hours=8)) == timedelta(hours=4)


# --- the slip's wording ---

def test_vietnamese_datetime() -> None:
    assert vietnamese_datetime(datetime(2026, 12, 5, 14, 30)) == "14 giờ 30 phút, ngày 05 tháng 12 năm 2026"
    assert vietnamese_datetime(datetime(2027, 1, 1, 7, 5)) == "07 giờ 05 phút, ngày 01 tháng 01 năm 2027"
    # An aware time is shown in Vietnam time: 07:30 UTC is 14:30 in Hà Nội.
    assert vietnamese_datetime(datetime(2026, 12, 5, 7, 30, tzinfo=UTC)) == (
        "14 giờ 30 phút, ngày 05 tháng 12 năm 2026")
    assert vietnamese_date(date(2026, 9, 2)) == "ngày 02 tháng 09 năm 2026"


# --- a property: the due is exactly `duration` of working time after the start ---

def _worked(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """Working time in [a, b), summed day by day (independent of the due() walk)."""
    total = timedelta()
    day = a.date()
    while day <= b.date():
        if cal.is_working_day(day):
            for s in cal.hours.sessions_on(day):
                lo = max(a, datetime.combine(day, s.start))
                hi = min(b, datetime.combine(day, s.end))
                if hi > lo:
                    total += hi - lo
        day += timedelta(days=1)
    return total


@settings(max_examples=150, deadline=None)
@given(
    received=st.datetimes(min_value=datetime(2023, 12, 1), max_value=datetime(2027, 12, 31)),
    half_hours=st.integers(min_value=1, max_value=16 * 30),
    cutoff=st.none() | st.just(time(15)),
)
def test_due_counts_exactly_the_duration(received: datetime, half_hours: int, cutoff: time | None) -> None:
    duration = Duration(hours=half_hours / 2)
    start = CAL.start_of_counting(received, cutoff=cutoff)
    got = due(received, duration, cutoff=cutoff, calendar=CAL)
    assert start >= received
    assert _worked(CAL, start, got) == timedelta(hours=half_hours / 2)
    # The earliest such instant: it lies inside a session or at its end, on a working day.
    assert CAL.is_working_day(got.date())
    assert any(datetime.combine(got.date(), s.start) < got <= datetime.combine(got.date(), s.end)
               for s in CAL.hours.sessions_on(got.date()))
    # A longer duration never gives an earlier due.
    assert due(received, Duration(hours=half_hours / 2 + 0.5), cutoff=cutoff, calendar=CAL) > got
