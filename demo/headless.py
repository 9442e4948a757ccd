"""`motcua demo --headless`: a busy morning at a fast clock, written to a folder.

Kiosk touches and counter calls over real HTTP against a real hub on 127.0.0.1, dossiers at the kiosk and
the counter, the reference central server beside the hub; then what a visitor would have seen, heard and
held (README, "motcua demo"): DIR/summary.json (integer counts, checked against the hub's database),
DIR/details.json, and what `demo.artefacts.ARTEFACT_HOOKS` write (printed/, announcements.jsonl, audio/,
screens/).
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from demo.artefacts import write_artefacts
from demo.bookings import NOTICES_FILE, book_and_check_in, notices_sent
from demo.dossiers import simulate_dossiers
from demo.model import DemoOptions, DemoRun, demo_start
from demo.morning import BoardListener, simulate
from demo.ratings import RatingCitizens, sign_in_clerks
from motcua.clock import ScaledClock, local_datetime
from motcua.config import example_site_config_path, load_site_config
from sync.central.app import CentralSettings
from sync.central.notices import FileNotifier
from sync.localsite import LocalHub, LocalSite

SUMMARY_KEYS = ("tickets_issued", "tickets_called", "tickets_completed", "dossiers_received", "ratings", "synced",
                "lost", "failed", "declarations_submitted", "help_requests_answered", "bookings_checked_in",
                "notices_sent")
"""summary.json's keys: a public contract (tests, operators and the CI smoke test read them)."""


def run_headless(options: DemoOptions) -> dict[str, Any]:
    """The headless demo; returns the summary (also in OUT/summary.json)."""
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("printed", "screens", "audio", "camera", "rating-cache"):
        shutil.rmtree(out / sub, ignore_errors=True)
    # A config error surfaces here, before anything starts (the caller reports it).
    config = load_site_config(options.config or example_site_config_path())
    clock = ScaledClock(demo_start(config), speed=options.speed)
    started = clock.time()  # the clock runs from here: the hub's start-up is part of the morning
    (out / NOTICES_FILE).unlink(missing_ok=True)
    # The central server runs on the demo's clock (its bookings are for the simulated morning) and delivers
    # notices to DIR/notices.jsonl. Its citizens all book from this machine's address: no per-address limit.
    site = LocalSite(out, config=config, clock=clock, fresh=True, token_name="demo", central_settings=CentralSettings(
        clock=clock.time, notifier=FileNotifier(out / NOTICES_FILE), notice_interval_s=0.5, public_burst=0))
    history: dict[str, Any] = {}
    if options.history_weeks:
        from demo.reports import seed_demo_history

        history = seed_demo_history(site.db, config, weeks=options.history_weeks, until=demo_start(config))
    with site:
        run = DemoRun(config=site.config, hub_url=site.url, db=site.db, tokens=site.tokens, clock=clock,
                      start=started, out=out, history=history)
        run.hub = getattr(site.hub, "hub", None)
        board = BoardListener(run).start()
        try:
            # Clerks sign in before the morning; citizens rate as they leave (demo.ratings).
            sign_in_clerks(site.url, site.db, site.tokens["counter"], [c.number for c in config.counters])
            citizens = RatingCitizens(hub_url=site.url, token=site.tokens["counter"], out=out, now=clock.time).start()
            assert isinstance(site.hub, LocalHub) and site.hub.hub is not None and site.central is not None
            booked = book_and_check_in(run, site.hub.hub, site.central.url)
            run.bookings_checked_in = len(booked.checked_in)
            if booked.errors or not booked.booked or len(booked.checked_in) < len(booked.booked):
                run.fail("; ".join(booked.errors) or f"{len(booked.checked_in)} of {len(booked.booked)} bookings checked in")
            simulate(run, minutes=options.minutes, speed=options.speed, seed=options.seed,
                     arrivals_per_min=options.arrivals_per_min)
            for problem in citizens.finish():
                run.fail(problem)
            board.catch_up()
            simulate_dossiers(run, kiosk_count=3, counter_count=2)
            write_artefacts(out, run)
            # Everything the morning made (and the pictures' own tickets and dossier) reaches the province.
            # A seeded history's dossiers keep their provisional codes: the morning's must be linked.
            if not site.wait_synced(timeout=30, since=started if history else None):
                admin = site.client("admin")
                try:
                    run.fail(f"sync did not finish: {admin.sync_status()}")
                finally:
                    admin.close()
            run.synced = site.synced()
            run.notices_sent = notices_sent(out)
        finally:
            board.stop()
    return write_summary(out, run)


def write_summary(out: Path, run: DemoRun) -> dict[str, Any]:
    """DIR/summary.json (SUMMARY_KEYS: integer counts, checked against the hub's database) and DIR/details.json."""
    con = sqlite3.connect(run.db)
    since = run.start if run.history else 0.0  # the morning only: a seeded history lies before it
    try:
        stored = {r[0] for r in con.execute("SELECT id FROM tickets WHERE issued_at >= ?", (since,))}
        dossiers = {r[0] for r in con.execute("SELECT id FROM dossiers WHERE submitted_at >= ?", (since,))}
        completed = con.execute("SELECT COUNT(*) FROM tickets WHERE status = 'done' AND issued_at >= ?",
                                (since,)).fetchone()[0]
        called = con.execute("SELECT COUNT(*) FROM events WHERE type = 'ticket.called' AND at >= ?",
                             (since,)).fetchone()[0]
        ratings = con.execute("SELECT COUNT(*) FROM ratings WHERE rated_at >= ?", (since,)).fetchone()[0]
        ratings_by_channel = dict(con.execute("SELECT channel, COUNT(*) FROM ratings WHERE rated_at >= ? GROUP BY channel",
                                              (since,)).fetchall())
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        declarations = con.execute("SELECT COUNT(*) FROM dossiers WHERE json_extract(body, '$.declaration') IS NOT "
                                   "NULL").fetchone()[0]
        help_answered = con.execute("SELECT COUNT(*) FROM events WHERE type = 'help.acknowledged'").fetchone()[0]
    finally:
        con.close()
    # Lost: anything a device was told was stored (a 201) that the hub does not have.
    lost = sum(1 for t in run.issued if t.id not in stored) + sum(1 for d in run.dossiers if d not in dossiers)
    summary: dict[str, Any] = {
        "tickets_issued": len(stored),
        "tickets_called": int(called),
        "tickets_completed": int(completed),
        "dossiers_received": len(dossiers),
        "ratings": int(ratings),
        "synced": run.synced,
        "lost": lost,
        "failed": run.failed,
        "bookings_checked_in": run.bookings_checked_in,
        "notices_sent": run.notices_sent,
        "reports_written": len(run.reports),
        "declarations_submitted": int(declarations),
        "help_requests_answered": int(help_answered),
    }
    details = {
        "site": run.config.site.name,
        "simulated_from": local_datetime(run.start, run.config.tz).isoformat(),
        "simulated_until": local_datetime(run.clock.time(), run.config.tz).isoformat(),
        "events_seen_by_board": len(run.events),
        "kiosk_tickets": len(run.issued),
        "dossiers_by_channel": run.dossier_channels,
        "payments_recorded": run.payments,
        "ratings_by_channel": ratings_by_channel,
        "database_integrity": integrity,
        "errors": run.errors[:20],
        "history": run.history,
        "reports": run.reports,
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "details.json").write_text(json.dumps(details, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary
