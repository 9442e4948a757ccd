"""Clerks at the hub (issue 13): staff admin, sign-in and sign-out at a counter, and service attributed to the clerk
who served it — across transfers, recalls, a change of clerk and a restart."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

import orjson
import pytest
from support import RunningHub

from sync.client import HubError
from sync.hub.staff import add_staff, disable_staff, list_staff, verify_secret


def staff(hub: RunningHub, *members: tuple[str, str, str]) -> None:
    for code, name, pin in members:
        add_staff(hub.db, code=code, name=name, pin=pin)


def segments(hub: RunningHub, ticket_id: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(hub.db) as conn:
        return conn.execute("SELECT counter, clerk, service, outcome FROM service_segments WHERE ticket_id = ? "
                            "ORDER BY called_at, rowid", (ticket_id,)).fetchall()


def events(hub: RunningHub, type_: str) -> list[dict[str, object]]:
    with sqlite3.connect(hub.db) as conn:
        return [orjson.loads(r[0]) for r in conn.execute("SELECT data FROM events WHERE type = ? ORDER BY seq", (type_,))]


def test_staff_admin_keeps_a_slow_hash_and_disabling_stops_sign_in(hub: RunningHub) -> None:
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"))
    with sqlite3.connect(hub.db) as conn:
        (stored,) = conn.execute("SELECT pin_hash FROM staff WHERE code = 'NV01'").fetchone()
    assert "2468" not in stored and stored.startswith("scrypt$16384$") and verify_secret("2468", stored)
    assert not verify_secret("2469", stored)
    with pytest.raises(ValueError, match="exists"):
        add_staff(hub.db, code="NV01", name="Someone", pin="1111")
    with pytest.raises(ValueError, match="--pin"):
        add_staff(hub.db, code="NV02", name="X", pin="12")
    clerk = hub.client("counter")
    assert clerk.sign_in(1, staff="NV01", pin="2468").name == "Nguyễn Thị Lan"
    clerk.sign_out(1)
    assert disable_staff(hub.db, "NV01") and not disable_staff(hub.db, "NV01")
    with pytest.raises(HubError) as e:
        clerk.sign_in(1, staff="NV01", pin="2468")
    assert (e.value.status, e.value.code) == (422, "wrong_credentials")
    assert [(s["code"], s["disabled"]) for s in list_staff(hub.db)] == [("NV01", True)]


def test_wrong_pins_are_refused_then_the_code_is_locked_for_a_while(hub: RunningHub) -> None:
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"))
    clerk = hub.client("counter")
    for _ in range(5):
        with pytest.raises(HubError) as e:
            clerk.sign_in(1, staff="NV01", pin="0000")
        assert e.value.status == 422
    with pytest.raises(HubError) as e:
        clerk.sign_in(1, staff="NV01", pin="2468")  # even the right PIN: locked
    assert (e.value.status, e.value.code) == (429, "sign_in_locked")
    hub.clock.advance(301)
    assert clerk.sign_in(1, staff="NV01", pin="2468").code == "NV01"
    assert clerk.clerk(1).code == "NV01" and clerk.clerk(2) is None


def test_a_staff_card_signs_in_and_one_person_is_at_one_counter(hub: RunningHub) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468", card="CARD-7f3a9c21")
    staff(hub, ("NV02", "Trần Văn Đức", "1357"))
    clerk = hub.client("counter")
    assert clerk.sign_in(1, card="CARD-7f3a9c21").code == "NV01"
    clerk.sign_in(2, staff="NV02", pin="1357")
    clerk.sign_in(2, staff="NV01", pin="2468")  # moves to counter 2: out of 1, and NV02 is replaced at 2
    assert clerk.clerk(1) is None and clerk.clerk(2).code == "NV01"
    outs = events(hub, "staff.signed_out")
    assert sorted((e["counter"], e["clerk"]) for e in outs) == [(1, "NV01"), (2, "NV02")]
    assert all("name" not in orjson.dumps(e).decode() for e in events(hub, "staff.signed_in"))  # code only
    with pytest.raises(HubError) as e:
        clerk.sign_in(1, card="CARD-unknown")
    assert e.value.code == "wrong_credentials"


def test_a_counter_token_signs_in_only_at_its_counter(make_hub: Callable[..., RunningHub]) -> None:
    from sync.client import HubAuthError, HubClient
    from sync.store import create_token

    hub = make_hub()
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"))
    own = HubClient(hub.url, create_token(hub.db, role="counter", name="Quầy 2", counter=2))
    with pytest.raises(HubAuthError):
        own.sign_in(1, staff="NV01", pin="2468")
    assert own.sign_in(2, staff="NV01", pin="2468").code == "NV01"
    with pytest.raises(HubAuthError):
        hub.client("kiosk").clerk(2)  # staff views only


def test_service_is_attributed_to_the_clerk_who_served_across_transfer_recall_and_change_of_clerk(
        hub: RunningHub) -> None:
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"), ("NV02", "Trần Văn Đức", "1357"),
          ("NV03", "Lê Thu Hà", "9753"), ("NV04", "Phạm Minh", "8642"))
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    a1, a2 = kiosk.issue("A"), kiosk.issue("A")
    clerk.sign_in(1, staff="NV01", pin="2468")
    clerk.sign_in(2, staff="NV02", pin="1357")
    clerk.sign_in(3, staff="NV03", pin="9753")
    # a1: NV01 at counter 1 calls it and sends it to service B; NV03 at counter 3 serves it there.
    assert clerk.call_next(1).id == a1.id
    clerk.transfer(1, "B")
    assert clerk.call_next(3).id == a1.id
    hub.clock.advance(240)
    clerk.complete(3)
    assert segments(hub, a1.id) == [(1, "NV01", "A", "transferred"), (3, "NV03", "B", "done")]
    # a2: NV02 calls it at counter 2 and goes on a break; NV04 takes the counter, recalls and serves it.
    assert clerk.call_next(2).id == a2.id
    clerk.sign_out(2)
    clerk.sign_in(2, staff="NV04", pin="8642")
    clerk.recall(2)
    clerk.complete(2)
    assert segments(hub, a2.id) == [(2, "NV04", "A", "done")]
    called = [(e["ticket"]["id"], e["clerk"]) for e in events(hub, "ticket.called")]
    assert called == [(a1.id, "NV01"), (a1.id, "NV03"), (a2.id, "NV02")]
    assert [e["clerk"] for e in events(hub, "ticket.recalled")] == ["NV04"]
    assert [e["clerk"] for e in events(hub, "ticket.transferred")] == ["NV01"]


def test_a_no_show_and_an_unsigned_counter_are_recorded_and_sign_ins_survive_a_restart(hub: RunningHub) -> None:
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"))
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    t1, t2 = kiosk.issue("A"), kiosk.issue("A")
    clerk.call_next(2)  # nobody signed in at counter 2
    clerk.skip(2)
    assert segments(hub, t1.id) == [(2, None, "A", "skipped")]
    clerk.sign_in(2, staff="NV01", pin="2468")
    hub.restart()
    clerk = hub.client("counter")
    assert clerk.clerk(2).code == "NV01"
    clerk.call_next(2)
    clerk.complete(2)
    assert segments(hub, t2.id) == [(2, "NV01", "A", "done")]


def test_sign_ins_end_with_the_day(hub: RunningHub) -> None:
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"))
    clerk = hub.client("counter")
    clerk.sign_in(1, staff="NV01", pin="2468")
    hub.client("kiosk").issue("A")
    clerk.call_next(1)
    hub.clock.advance(hours=24)  # the next morning
    hub.client("kiosk").issue("A")
    assert clerk.clerk(1) is None
    assert events(hub, "day.started")[-1]["clerks_signed_out"] == 1


def test_a_stretch_open_across_a_restart_is_ended_after_it(hub: RunningHub) -> None:
    """The hub keeps the keys of the open stretches in memory (schema 12): a restart reads them again."""
    staff(hub, ("NV01", "Nguyễn Thị Lan", "2468"))
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    t1, t2 = kiosk.issue("A"), kiosk.issue("A")
    clerk.sign_in(1, staff="NV01", pin="2468")
    assert clerk.call_next(1).id == t1.id
    hub.restart()
    clerk = hub.client("counter")
    clerk.recall(1)
    assert clerk.call_next(1).id == t2.id  # completes t1
    assert segments(hub, t1.id) == [(1, "NV01", "A", "done")]
    hub.restart()
    hub.clock.advance(hours=24)  # t2 is still called at midnight: its stretch ends with the day
    hub.client("kiosk").issue("A")
    assert segments(hub, t2.id) == [(1, "NV01", "A", "expired")]
