"""`motcua demo`: every role on one machine, through the same code paths as the real devices.

Headless (`--headless --minutes N --out DIR`) it simulates a busy morning with a clock running faster
than real time — kiosk touches and counter calls over real HTTP against a real hub on 127.0.0.1 — and
writes what a visitor would have seen, heard and held (DESIGN.md): DIR/summary.json and the other
artefacts each role adds.
"""
from __future__ import annotations

import argparse
import heapq
import json
import logging
import random
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from motcua.clock import ScaledClock, local_datetime
from motcua.config import SiteConfig, example_site_config_path, load_site_config

log = logging.getLogger(__name__)




@dataclass
class DemoRun:
    """What happened during a simulated morning."""

    config: SiteConfig
    hub_url: str
    db: Path
    tokens: dict[str, str]
    clock: ScaledClock
    out: Path | None = None
    issued: list[dict[str, Any]] = field(default_factory=list)
    called: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    failed: int = 0
    synced: int = 0
    dossiers: list[str] = field(default_factory=list)
    dossier_channels: dict[str, int] = field(default_factory=dict)
    payments: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _demo_start(config: SiteConfig) -> datetime:
    """07:30 of the next working morning (Monday–Friday), local time, so kiosks issue from the start."""
    now = datetime.now(config.tz)
    day = now.date()
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 7, 30, tzinfo=config.tz)


def simulate(run: DemoRun, *, minutes: float, speed: float, seed: int, arrivals_per_min: float) -> None:
    """Kiosk touches (Poisson arrivals) and counter calls (per-counter service times), in scaled time."""
    from kiosk.backend import KioskBackend, write_printed
    from kiosk.config import hash_pin, parse_kiosk_config
    from sync.client import HubClient, HubError, HubUnavailable

    rng = random.Random(seed)
    cfg = run.config
    # The kiosk role: the kiosk's own backend (issue at the hub, then print), with a virtual printer whose
    # every job is kept as DIR/printed/*.bin + *.png.
    cache = (run.out or Path(".")) / "kiosk-cache.db"
    kiosk_cfg = parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:", "paper_mm": 80},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(cache)},
    })
    kiosk = KioskBackend(kiosk_cfg, on_printed=write_printed(run.out / "printed") if run.out else None)
    kiosk.load_site()
    counter = HubClient(run.hub_url, run.tokens["counter"])
    start = run.clock.time()
    end = start + minutes * 60
    weights = [1.0 / max(1, len([c for c in cfg.counters if s.code in c.services])) ** 0 for s in cfg.services]
    busy = {s.code: 3.0 if s.code in ("DD", "TPHT", "GTVT") else 1.0 for s in cfg.services}
    weights = [w * busy[s.code] for w, s in zip(weights, cfg.services)]
    priorities = [p.code for p in cfg.priority_categories]

    def sleep_until(sim_t: float) -> None:
        delay = (sim_t - run.clock.time()) / speed
        if delay > 0:
            time.sleep(delay)

    # Counters open a few minutes apart, as clerks arrive; then each calls again when its citizen leaves.
    schedule: list[tuple[float, int, str, int]] = []  # (sim time, order, kind, counter or 0)
    order = 0
    next_arrival = start
    for c in cfg.counters:
        heapq.heappush(schedule, (start + rng.uniform(0, 240), order, "call", c.number))
        order += 1
    heapq.heappush(schedule, (next_arrival, order, "arrive", 0))
    while schedule:
        at, _, kind, number = heapq.heappop(schedule)
        if at >= end:
            continue
        sleep_until(at)
        order += 1
        try:
            if kind == "arrive":
                svc = rng.choices(cfg.services, weights=weights)[0]
                prio = rng.choice(priorities) if priorities and rng.random() < 0.1 else None
                res = kiosk.take_number(svc.code, priority=prio)
                if res.ticket is not None:
                    with run.lock:
                        run.issued.append(res.ticket)
                    if not res.printed:
                        run.failed += 1
                        run.errors.append(f"ticket {res.ticket['display']} not printed: {res.fault}")
                elif res.hub_down or res.error_code not in ("closed", "quota_reached"):
                    run.failed += 1
                    run.errors.append(f"kiosk: {res.error_code or 'hub unreachable'} {res.error_message}")
                heapq.heappush(schedule, (at + rng.expovariate(arrivals_per_min / 60.0), order, "arrive", 0))
            else:
                t = counter.call_next(number)
                if t is None:
                    heapq.heappush(schedule, (at + 45, order, "call", number))
                    continue
                with run.lock:
                    run.called.append(t.model_dump())
                avg = cfg.service(t.service).average_service_s if cfg.service(t.service) else 300
                if rng.random() < 0.05:
                    counter.recall(number)
                if rng.random() < 0.03:
                    counter.skip(number)
                    heapq.heappush(schedule, (at + 20, order, "call", number))
                    continue
                heapq.heappush(schedule, (at + rng.lognormvariate(0, 0.4) * avg * 0.5, order, "call", number))
        except HubError as exc:
            if exc.code not in ("closed", "quota_reached"):
                run.failed += 1
                run.errors.append(f"{exc.code}: {exc.message}")
        except HubUnavailable as exc:
            run.failed += 1
            run.errors.append(str(exc))
    # Close the morning: every counter completes the citizen in front of it.
    for c in cfg.counters:
        try:
            counter.complete(c.number)
        except HubError:
            pass
    kiosk.close()
    counter.close()


def _collect_events(run: DemoRun, stop: threading.Event) -> threading.Thread:
    from sync.client import HubClient

    board = HubClient(run.hub_url, run.tokens["board"])
    sub = board.events(last_event_id=0, stop=stop, max_backoff=0.5)

    def loop() -> None:
        for ev in sub:
            with run.lock:
                run.events.append({"seq": ev.seq, **ev.data})

    th = threading.Thread(target=loop, name="demo-board", daemon=True)
    th.start()
    th.sub = sub  # type: ignore[attr-defined]
    return th


DEMO_PROCEDURES = ("TPHT.04", "DD.03", "GTVT.01", "DKKD.01", "TPHT.01")


def simulate_dossiers(run: DemoRun, *, kiosk_count: int, counter_count: int) -> None:
    """Dossiers through the real code paths: citizens self-submitting at the kiosk (card QR and document
    pages from a folder camera) and clerks receiving at the counter; every slip goes to DIR/printed/."""
    import cv2

    from counter_display.receive import ReceivedDocument, ReceiveRequest, make_slip
    from kiosk.backend import DossierBackend, DossierDraft, KioskBackend
    from kiosk.config import hash_pin, parse_kiosk_config
    from printer_drivers.layouts import slip_job
    from printer_drivers.output import write_job_files
    from scanners import synthetic
    from scanners.camera import FolderCamera
    from sync.client import HubClient, HubError, HubUnavailable

    out = run.out or Path(".")
    camera_dir = out / "camera" / "kiosk"
    kiosk_cfg = parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:", "paper_mm": 80},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(out / "kiosk-cache.db")},
    })
    kiosk = KioskBackend(kiosk_cfg)
    kiosk.load_site()
    slips = {"n": 0}

    def keep_slip(job: Any, dossier: dict[str, Any]) -> None:
        slips["n"] += 1
        write_job_files(job, out / "printed" / f"slip-{slips['n']:02d}-{dossier['code']}")

    backend = DossierBackend(kiosk, camera=FolderCamera(folder=camera_dir), on_slip=keep_slip)
    catalog = {p["code"]: p for p in backend.load_catalog()}
    rng = random.Random(11)
    # The camera sees, citizen after citizen, a card and then each required page.
    camera_dir.mkdir(parents=True, exist_ok=True)
    plan = [catalog[DEMO_PROCEDURES[i % len(DEMO_PROCEDURES)]] for i in range(kiosk_count)]
    for k, proc in enumerate(plan):
        citizen = synthetic.random_citizen(rng)
        card = synthetic.photograph(synthetic.draw_card(citizen, rng=rng), rng=rng, fault=synthetic.Degradation.ROTATION)
        cv2.imwrite(str(camera_dir / f"{k:02d}-0-card.png"), card)
        for j, photo in enumerate(synthetic.document_photo_set(len(proc.get("documents", [])), seed=100 + k), start=1):
            cv2.imwrite(str(camera_dir / f"{k:02d}-{j}-page.jpg"), photo.image)
    for proc in plan:
        draft = DossierDraft(procedure=proc)
        scan = backend.read_card(frames=2)
        if scan is None or scan.citizen is None:
            run.failed += 1
            run.errors.append("kiosk: the demo card was not read")
            continue
        draft.name, draft.id_number, draft.address, draft.from_card = (scan.citizen.name, scan.citizen.id,
                                                                       scan.citizen.address, True)
        draft.phone = f"09{rng.randrange(10**8):08d}"
        for doc in proc.get("documents", []):
            page = backend.capture_page(str(doc["name"]))
            if page is not None:
                draft.pages.append(page)
        result = backend.submit(draft)
        if result.dossier is None:
            run.failed += 1
            run.errors.append(f"kiosk dossier: {result.error_message or 'hub unreachable'}")
            continue
        run.dossiers.append(result.dossier["id"])
        run.dossier_channels["kiosk"] = run.dossier_channels.get("kiosk", 0) + 1
        if not result.printed:
            run.failed += 1
            run.errors.append(f"slip of {result.dossier['code']} not printed: {result.fault_vi}")
    backend.forget()
    kiosk.close()
    # Clerks at the counter: paper documents ticked, both copies of the slip.
    counter = HubClient(run.hub_url, run.tokens["counter"])
    site = counter.site()
    for k in range(counter_count):
        proc = catalog[DEMO_PROCEDURES[(k + 1) % len(DEMO_PROCEDURES)]]
        citizen = synthetic.random_citizen(rng)
        req = ReceiveRequest(dossier_id=str(uuid.uuid4()), name=citizen.name, id_number=citizen.id,
                             address=citizen.address,
                             phone=f"03{rng.randrange(10**8):08d}", procedure=proc, sets=1,
                             documents=tuple(ReceivedDocument(str(d["name"]), 1, 0) for d in proc.get("documents", [])))
        try:
            dossier = counter.submit_dossier(req.body())
        except (HubError, HubUnavailable) as exc:
            run.failed += 1
            run.errors.append(f"counter dossier: {exc}")
            continue
        run.dossiers.append(dossier["id"])
        run.dossier_channels["counter"] = run.dossier_channels.get("counter", 0) + 1
        job = slip_job(make_slip(req, dossier, site, clerk="Cán bộ quầy 6"), copies=("archive", "customer"))
        keep_slip(job, dossier)
        if dossier.get("fee"):
            take_fee(run, counter, req, dossier, site, transfer=k % 2 == 0)
    counter.close()


def take_fee(run: DemoRun, counter: Any, req: Any, dossier: dict[str, Any], site: dict[str, Any], *,
             transfer: bool) -> None:
    """The fee step at the counter: the citizen's screen with the VietQR (DIR/screens/), the clerk marks it paid
    (a transfer with its reference, or cash), and the receipt is printed (DIR/printed/receipt-*)."""
    import os

    from printer_drivers.output import write_job_files
    from printer_drivers.receipt import receipt_for_payment, receipt_job
    from sync.client import HubError, HubUnavailable

    out = run.out or Path(".")
    fee = dossier["fee"]
    if transfer:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from counter_display.fee import render_citizen_screen

        render_citizen_screen(fee, str(dossier["code"]), out / "screens" / "counter-fee-citizen.png")
    body = {"id": str(uuid.uuid4()), "method": "transfer" if transfer else "cash", "amount": fee["amount"],
            "reference": f"FT{run.clock.time():.0f}"[-14:] if transfer else "", "collector": "Cán bộ quầy 6"}
    try:
        payment = counter.record_payment(dossier["id"], body)
    except (HubError, HubUnavailable) as exc:
        run.failed += 1
        run.errors.append(f"fee of {dossier['code']}: {exc}")
        return
    run.payments += 1
    receipt = receipt_for_payment(payment, site, lookup_url=str(dossier.get("lookup_url") or ""),
                                  payer_address=req.address)
    write_job_files(receipt_job(receipt, copies=("archive", "customer")),
                    out / "printed" / f"receipt-{run.payments:02d}-{receipt.series or 'x'}-{receipt.number_text}")


def kiosk_screens(out: Path, run: DemoRun) -> None:
    """DIR/screens/kiosk-*.png: the kiosk's screens, driven through its real code offscreen."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.screens import capture_dossier_screens, capture_screens
    from scanners import synthetic

    capture_screens(out / "screens", hub_url=run.hub_url, token=run.tokens["kiosk"], clock=run.clock.time,
                    service=run.config.services[0].code)
    camera = out / "camera" / "screens"
    synthetic.write_photo_folder(camera, count=1, seed=31)
    synthetic.write_document_folder(camera, 4, seed=32)
    capture_dossier_screens(out / "screens", hub_url=run.hub_url, token=run.tokens["kiosk"], clock=run.clock.time,
                            camera_dir=camera)


def artefact_hooks() -> list[Callable[[Path, DemoRun], None]]:
    """Artefact writers, called after the simulated morning with (out_dir, DemoRun), the hub still running.

    Each role adds its own here, so that the demo grows with the system.
    """
    from counter_display.demo import write_demo_artefacts

    return [kiosk_screens, write_demo_artefacts]


def write_summary(out: Path, run: DemoRun) -> dict[str, Any]:
    """DIR/summary.json: integer counts (DESIGN.md), checked against the hub's database."""
    con = sqlite3.connect(run.db)
    stored = {r[0] for r in con.execute("SELECT id FROM tickets")}
    dossiers = {r[0] for r in con.execute("SELECT id FROM dossiers")}
    completed = con.execute("SELECT COUNT(*) FROM tickets WHERE status = 'done'").fetchone()[0]
    called = con.execute("SELECT COUNT(*) FROM events WHERE type = 'ticket.called'").fetchone()[0]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    # Lost: anything a device was told was stored (a 201) that the hub does not have.
    lost = sum(1 for t in run.issued if t["id"] not in stored) + sum(1 for d in run.dossiers if d not in dossiers)
    summary: dict[str, Any] = {
        "tickets_issued": len(stored),
        "tickets_called": int(called),
        "tickets_completed": int(completed),
        "dossiers_received": len(dossiers),
        "synced": run.synced,
        "lost": lost,
        "failed": run.failed,
    }
    details = {
        "site": run.config.site.name,
        "simulated_from": local_datetime(run.clock._start, run.config.tz).isoformat(),
        "simulated_until": local_datetime(run.clock.time(), run.config.tz).isoformat(),
        "events_seen_by_board": len(run.events),
        "kiosk_tickets": len(run.issued),
        "dossiers_by_channel": run.dossier_channels,
        "payments_recorded": run.payments,
        "database_integrity": integrity,
        "errors": run.errors[:20],
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "details.json").write_text(json.dumps(details, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def run_demo(*, out: Path, minutes: float, speed: float, seed: int = 7, config_path: Path | None = None,
             arrivals_per_min: float = 6.0, port: int | None = None) -> dict[str, Any]:
    """The headless demo; returns the summary."""
    from sync.demo_support import count_synced, start_central, wait_synced
    from sync.hub import Hub, create_app
    from sync.server import ServerThread
    from sync.store import SiteStore, create_token

    out.mkdir(parents=True, exist_ok=True)
    config = load_site_config(config_path or example_site_config_path())
    db = out / "hub.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    import shutil

    for sub in ("printed", "screens", "audio", "camera"):
        shutil.rmtree(out / sub, ignore_errors=True)
    tokens = {r: create_token(db, role=r, name=f"demo {r}", any_counter=r == "counter")
              for r in ("kiosk", "board", "counter", "admin")}
    clock = ScaledClock(_demo_start(config), speed=speed)
    central, central_url = start_central(out)
    store = SiteStore(db)
    hub = Hub(config, store, clock=clock)
    hub.central_url = central_url  # the reference central server, accepting the example's dev token
    server = ServerThread(create_app(hub), port=port).start()
    run = DemoRun(config=config, hub_url=server.url, db=db, tokens=tokens, clock=clock, out=out)
    stop = threading.Event()
    board = _collect_events(run, stop)
    try:
        simulate(run, minutes=minutes, speed=speed, seed=seed, arrivals_per_min=arrivals_per_min)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with run.lock:
                if run.events and run.events[-1]["seq"] >= hub.events.last_seq:
                    break
            time.sleep(0.05)
        simulate_dossiers(run, kiosk_count=3, counter_count=2)
        # Artefacts are made while the hub still runs: screenshots go through the real devices' code.
        for hook in artefact_hooks():
            try:
                hook(out, run)
            except Exception as exc:  # one broken artefact must not hide the others
                log.exception("demo artefact %s failed", getattr(hook, "__name__", hook))
                run.errors.append(f"artefact {getattr(hook, '__name__', hook)}: {exc}")
                run.failed += 1
        # Everything the morning made (and the pictures' own tickets and dossier) reaches the province.
        if not wait_synced(hub, timeout=30):
            run.errors.append(f"sync did not finish: {hub.sync_status()}")
            run.failed += 1
        run.synced = count_synced(central, site=config.site.code)
    finally:
        stop.set()
        board.sub.close()  # type: ignore[attr-defined]
        board.join(5)
        server.stop()
        store.close()
        central.stop()
    return write_summary(out, run)


def _has_display() -> bool:
    import os

    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "vnc", "eglfs", "linuxfb")))


def run_interactive(*, port: int, config_path: Path | None, data_dir: Path, speed: float = 5.0,
                    windows: bool = True, stop_after_s: float | None = None) -> int:
    """`motcua demo`: a hub on 127.0.0.1:PORT, simulated citizens and clerks, and the device windows.

    With a display, the kiosk opens beside the hub (a window, not full screen) and shares the hub's clock;
    without one, the hub and the simulation run until Ctrl-C.
    """
    from sync.client import wait_for_hub
    from sync.demo_support import start_central
    from sync.hub import Hub, create_app
    from sync.server import ServerThread
    from sync.store import SiteStore, create_token

    data_dir.mkdir(parents=True, exist_ok=True)
    config = load_site_config(config_path or example_site_config_path())
    db = data_dir / "demo-hub.db"
    tokens = {r: create_token(db, role=r, name=f"demo {r}", any_counter=r == "counter")
              for r in ("kiosk", "board", "counter", "admin")}
    clock = ScaledClock(_demo_start(config) + timedelta(hours=1, minutes=30), speed=speed)
    central, central_url = start_central(data_dir)
    store = SiteStore(db)
    hub = Hub(config, store, clock=clock)
    hub.central_url = central_url
    # The API description is on for the demo (loopback only): a new user finds the API there.
    server = ServerThread(create_app(hub, docs=True), host="127.0.0.1", port=port).start()
    url = server.url
    run = DemoRun(config=config, hub_url=url, db=db, tokens=tokens, clock=clock, out=data_dir)
    print(f"motcua-edge demo — {config.site.name}")
    print(f"  hub:      {url}/api/v1/health   (API docs: {url}/docs)")
    print(f"  database: {db}")
    print(f"  central:  {central_url}/api/v1/health   (reference central case server)")
    for role, tok in tokens.items():
        print(f"  token {role:<8} {tok}")
    print(f"  Mô phỏng công dân lấy số và quầy gọi số (đồng hồ nhanh gấp {speed:g} lần). Ctrl-C để dừng.")
    print(f"  Simulated citizens and clerks, clock {speed:g}x real time. Ctrl-C stops.")
    if wait_for_hub(url, timeout=20):
        threading.Thread(target=lambda: simulate(run, minutes=8 * 60, speed=speed, seed=1, arrivals_per_min=3.0),
                         daemon=True, name="demo-simulation").start()
    try:
        if windows and _has_display():
            return _run_windows(run, data_dir=data_dir, stop_after_s=stop_after_s)
        if windows:
            print("  (không có màn hình: chỉ chạy máy chủ trạm / no display: the device windows are not shown)")
        deadline = None if stop_after_s is None else time.monotonic() + stop_after_s
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.5)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        store.close()
        central.stop()


def _run_windows(run: DemoRun, *, data_dir: Path, stop_after_s: float | None) -> int:
    """The kiosk window (and later roles' windows) on this display, in the main thread."""
    from kiosk.app import KioskWindow
    from kiosk.backend import KioskBackend, write_printed
    from kiosk.config import hash_pin, parse_kiosk_config
    from kiosk.qt import QApplication, QTimer

    app = QApplication.instance() or QApplication(sys.argv[:1])
    cfg = parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:"},
        "screen": {"orientation": "portrait", "width_px": 720, "height_px": 1280, "diagonal_in": 14,
                   "fullscreen": False, "hide_cursor": False},
        "kiosk": {"name": "Ki-ốt demo", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(data_dir / "kiosk-cache.db")},
    })
    backend = KioskBackend(cfg, on_printed=write_printed(data_dir / "printed"))
    kiosk = KioskWindow(cfg, backend, clock=run.clock.time)
    kiosk.allow_close = True  # a demo window closes normally
    kiosk.setWindowTitle("motcua-edge — ki-ốt (demo)")
    kiosk.show()
    print(f"  Ki-ốt: cửa sổ đã mở; phiếu in ra được lưu ở {data_dir / 'printed'} / kiosk window open")
    if stop_after_s is not None:
        QTimer.singleShot(int(stop_after_s * 1000), app.quit)
    code = app.exec()
    backend.close()
    return int(code)


def main(argv: list[str]) -> int:
    """motcua demo [--headless --minutes N --out DIR]."""
    ap = argparse.ArgumentParser(prog="motcua demo", description="Mọi vai trò trên một máy / every role on one machine.")
    ap.add_argument("--headless", action="store_true", help="simulate a morning offscreen and write what happened")
    ap.add_argument("--minutes", type=float, default=60.0, help="simulated minutes (headless; default 60)")
    ap.add_argument("--speed", type=float, default=120.0, help="how much faster than real time (headless; default 120)")
    ap.add_argument("--out", type=Path, default=Path("demo-out"), help="output folder (headless)")
    ap.add_argument("--config", type=Path, default=None, help="site configuration (default: the example center)")
    ap.add_argument("--port", type=int, default=8470)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-windows", action="store_true", help="interactive demo without the device windows")
    ap.add_argument("--stop-after", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from motcua.config import ConfigError

    try:
        if not args.headless:
            return run_interactive(port=args.port, config_path=args.config, data_dir=Path("demo-data"),
                                   windows=not args.no_windows, stop_after_s=args.stop_after)
        t0 = time.monotonic()
        summary = run_demo(out=args.out, minutes=args.minutes, speed=args.speed, seed=args.seed,
                           config_path=args.config)
    except ConfigError as exc:
        print(f"motcua demo: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, ensure_ascii=False))
    print(f"demo: {args.minutes:g} simulated minutes in {time.monotonic() - t0:.1f} s; output in {args.out}/",
          file=sys.stderr)
    return 0 if summary["lost"] == 0 and summary["failed"] == 0 else 1
