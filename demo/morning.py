"""A busy morning: citizens touching the kiosk (Poisson arrivals) and clerks calling at every counter, over
real HTTP against the hub, in the demo's scaled time; and the lobby board's subscription to what happened."""
from __future__ import annotations

import heapq
import random
import threading
import time
from pathlib import Path
from typing import Any

from demo.model import DemoRun


def kiosk_config(run: DemoRun, *, cache: Path) -> Any:
    """The demo kiosk's device configuration: the hub, a virtual printer, a technician PIN of 0000."""
    from kiosk.config import hash_pin, parse_kiosk_config

    return parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:", "paper_mm": 80},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(cache)},
    })


def simulate(run: DemoRun, *, minutes: float, speed: float, seed: int, arrivals_per_min: float) -> None:
    """Kiosk touches (Poisson arrivals) and counter calls (per-counter service times), in scaled time."""
    from kiosk.backend import KioskBackend, write_printed
    from sync.client import HubClient, HubError, HubUnavailable

    rng = random.Random(seed)
    cfg = run.config
    # The kiosk role: the kiosk's own backend (issue at the hub, then print), with a virtual printer whose
    # every job is kept as DIR/printed/*.bin + *.png.
    kiosk = KioskBackend(kiosk_config(run, cache=(run.out or Path(".")) / "kiosk-cache.db"),
                         on_printed=write_printed(run.out / "printed") if run.out else None)
    kiosk.load_site()
    counter = HubClient(run.hub_url, run.tokens["counter"])
    start = run.clock.time()
    end = start + minutes * 60
    busy = {s.code: 3.0 if s.code in ("DD", "TPHT", "GTVT") else 1.0 for s in cfg.services}
    weights = [busy[s.code] for s in cfg.services]
    priorities = [p.code for p in cfg.priority_categories]

    def sleep_until(sim_t: float) -> None:
        delay = (sim_t - run.clock.time()) / speed
        if delay > 0:
            time.sleep(delay)

    # Counters open a few minutes apart, as clerks arrive; then each calls again when its citizen leaves.
    schedule: list[tuple[float, int, str, int]] = []  # (sim time, order, kind, counter or 0)
    order = 0
    for c in cfg.counters:
        heapq.heappush(schedule, (start + rng.uniform(0, 240), order, "call", c.number))
        order += 1
    heapq.heappush(schedule, (start, order, "arrive", 0))
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
                        run.fail(f"ticket {res.ticket.display} not printed: {res.fault}")
                elif res.hub_down or res.error_code not in ("closed", "quota_reached"):
                    run.fail(f"kiosk: {res.error_code or 'hub unreachable'} {res.error_message}")
                heapq.heappush(schedule, (at + rng.expovariate(arrivals_per_min / 60.0), order, "arrive", 0))
            else:
                t = counter.call_next(number)
                if t is None:
                    heapq.heappush(schedule, (at + 45, order, "call", number))
                    continue
                with run.lock:
                    run.called.append(t.model_dump())
                service = cfg.service(t.service)
                avg = service.average_service_s if service else 300
                if rng.random() < 0.05:
                    counter.recall(number)
                if rng.random() < 0.03:
                    counter.skip(number)
                    heapq.heappush(schedule, (at + 20, order, "call", number))
                    continue
                heapq.heappush(schedule, (at + rng.lognormvariate(0, 0.4) * avg * 0.5, order, "call", number))
        except HubError as exc:
            if exc.code not in ("closed", "quota_reached"):
                run.fail(f"{exc.code}: {exc.message}")
        except HubUnavailable as exc:
            run.fail(str(exc))
    # Close the morning: every counter completes the citizen in front of it.
    for c in cfg.counters:
        try:
            counter.complete(c.number)
        except HubError:
            pass
    kiosk.close()
    counter.close()


class BoardListener:
    """The lobby board's view of the morning: every event from the start, kept in `run.events`."""

    def __init__(self, run: DemoRun) -> None:
        from sync.client import HubClient

        self.run = run
        self.client = HubClient(run.hub_url, run.tokens["board"])
        self.stop_event = threading.Event()
        # After a seeded history (--history-weeks): the morning's events only, as a board switched on that morning.
        after = int(run.history.get("last_seq", 0))
        self.sub = self.client.events(last_event_id=after, stop=self.stop_event, max_backoff=0.5)
        self.thread = threading.Thread(target=self._loop, name="demo-board", daemon=True)

    def _loop(self) -> None:
        for ev in self.sub:
            with self.run.lock:
                self.run.events.append({"seq": ev.seq, **ev.data})

    def start(self) -> BoardListener:
        """Subscribe in a thread."""
        self.thread.start()
        return self

    def catch_up(self, timeout: float = 10.0) -> bool:
        """Wait until the board has seen every event the hub has committed so far (True if so)."""
        last = self.client.board().last_seq
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.run.lock:
                if self.run.events and self.run.events[-1]["seq"] >= last:
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        """End the subscription."""
        self.stop_event.set()
        self.sub.close()
        self.thread.join(5)
        self.client.close()
