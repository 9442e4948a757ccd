"""The endurance harness: the real device processes against a real `motcua hub` process, for a long while.

Shared by tests/endurance (a short run in the suite) and bench/soak.py (a long run, JSON figures). It starts
`motcua hub` with a fast clock, and `motcua board`, `motcua kiosk`, `motcua counter` (the clerk's panel) and
`motcua counter --headless` (keypad + LED bridge over pty pairs), each reaching the hub through its own TCP
link that can be cut. Load comes through each device's real input: keypad lines on the bridge's pty, the
hub's events for the board and the panel, the kiosk's and the panel's autopilots (MOTCUA_AUTOPILOT) pressing
their own buttons; the harness plays the center's other kiosks and clerks over HTTP. The day plan runs
mornings with a fast clock, idle nights across midnight, hub restarts and network cuts in between.
Memory and open files of each device come from /proc; at the end every device dumps its screen
(MOTCUA_DUMP_DIR, SIGUSR1), which is compared with the hub's state.

Flat, defined: after a warm-up, the median of the samples in a window right after it (`rss_warm`) is
compared with the median of the samples in the last window of the run (`rss_end`); growth beyond the
allowance (`rss_allow_bytes` + `rss_allow_ratio` of the warm value) or any growth in open files beyond
`fd_allow` is a failure, and so is a least-squares slope of the anonymous memory over the later half of the
time after warm-up (`anon_late_slope_kib_per_min`) above `rss_slope_allow_kib_per_min` when the run after
warm-up lasts at least `rss_slope_min_span_s`.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from serial_support import PtyDevice
from soak_checks import (
    BRIDGE_COUNTERS,
    PANEL_COUNTER,
    compare_screen,
    event_counts,
    fds_growth,
    flatness,
    memory_faults,
)
from soak_links import CutLink, PrinterSink
from soak_plan import SITE_TOML, Day, SoakConfig, short_plan

from motcua.automation import process_stats
from motcua.clock import VIETNAM_TZ

ROOT = Path(__file__).resolve().parent.parent
OTHER_COUNTERS = (1, 2, 6)
CLERK_PIN = "2468"

# ------------------------------------------------------------------------------------------ processes
def fd_targets(pid: int) -> dict[str, str]:
    """Each open file descriptor of a process and what it points at (a path, "socket:[…]", "pipe:[…]")."""
    base = Path("/proc") / str(pid) / "fd"
    out = {}
    try:
        for fd in os.listdir(base):
            try:
                out[fd] = os.readlink(base / fd)
            except OSError:  # closed between the listing and the read
                continue
    except OSError:
        return {}
    return out


def opened_since(before: dict[str, str] | None, after: dict[str, str]) -> str:
    """What is open now that was not then, by kind ("2 socket, 1 /dev/snd/pcmC0D0p"), for a failure message."""
    if before is None:
        return "no snapshot at warm-up"
    kinds: dict[str, int] = {}
    for fd, target in after.items():
        if before.get(fd) != target:
            kind = target.split(":[", 1)[0] if ":[" in target else target
            kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "nothing new"



@dataclass
class Device:
    """One device process and what is known of it."""

    role: str
    argv: list[str]
    link: CutLink
    proc: subprocess.Popen[bytes] | None = None
    samples: list[tuple[float, ...]] = field(default_factory=list)
    """(seconds since the run started, RSS bytes, open files, threads, anonymous RSS bytes) every sample_s."""
    fds_at_warm: dict[str, str] | None = None
    """What each open file descriptor pointed at once warm-up ended (to name what a growth opened)."""
    fds_last: dict[str, str] = field(default_factory=dict)
    fds_quiet: int | None = None
    """Open files once the load stopped and the screens settled (the lowest of a few samples)."""
    fds_quiet_targets: dict[str, str] = field(default_factory=dict)
    exit_code: int | None = None
    restarts_seen: int = 0
    cuts_seen: int = 0


class Soak:
    """One endurance run in a folder. Use as a context manager; `run()` returns the report."""

    def __init__(self, folder: Path, config: SoakConfig | None = None, *, log: Any = None) -> None:
        self.dir = folder
        self.cfg = config or SoakConfig(days=short_plan())
        self.log = log or (lambda msg: None)
        self.python = sys.executable
        self.dumps = folder / "dumps"
        self.dumps.mkdir(parents=True, exist_ok=True)
        self.db = folder / "hub.db"
        self.hub_port = self.cfg.port or _free_port()
        self.hub: subprocess.Popen[bytes] | None = None
        self.hub_started_real = 0.0
        self.hub_started_sim = 0.0
        self.speed = 1.0
        self.hub_restarts = 0
        self.hub_samples: list[tuple[float, ...]] = []
        self.devices: dict[str, Device] = {}
        self.stop_load = threading.Event()
        self.load_on = threading.Event()
        self.counts: dict[str, int] = {}
        self.failures: list[str] = []
        self.t0 = time.monotonic()
        self.warm_at: float | None = None
        self.load_end: float | None = None
        self.printer = PrinterSink()
        self.ptys: dict[str, PtyDevice] = {}
        self.led_frames: dict[int, bytes] = {}
        self.keypad_replies: dict[str, int] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    # -------------------------------------------------------------- set-up
    def __enter__(self) -> Soak:
        from sync.store import create_token

        (self.dir / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        self.tokens = {r: create_token(self.db, role=r, name=f"soak {r}") for r in ("kiosk", "board", "admin")}
        self.tokens["panel"] = create_token(self.db, role="counter", name="soak panel", counter=PANEL_COUNTER)
        # the bridge's keypad serves two counters, the other clerks three: tokens for any counter
        self.tokens["bridge"] = create_token(self.db, role="counter", name="soak bridge", any_counter=True)
        self.tokens["counter"] = create_token(self.db, role="counter", name="soak other clerks", any_counter=True)
        for name in ("keypad", "led4", "led5"):
            self.ptys[name] = PtyDevice(self.dir / f"tty-{name}", hold_slave=True)
        base = self.cfg.port
        links = {role: CutLink(self.hub_port, port=(base + 1 + i) if base else None)
                 for i, role in enumerate(("board", "kiosk", "panel", "bridge"))}
        cache = self.dir / "cache"
        (self.dir / "board.toml").write_text(
            f'[hub]\nurl = "{links["board"].url}"\ntoken = "{self.tokens["board"]}"\n\n'
            f'[board]\nfullscreen = false\ncache_dir = "{cache / "board"}"\n\n'
            f'[announcer]\nenabled = {"true" if self.cfg.announcer else "false"}\n'
            f'cache_dir = "{cache / "announcer"}"\n'
            # a small cache, so that a run of minutes prunes it as a board's months would
            'cache_max_files = 200\n', encoding="utf-8")
        from kiosk.config import hash_pin

        (self.dir / "kiosk.toml").write_text(
            f'[hub]\nurl = "{links["kiosk"].url}"\ntoken = "{self.tokens["kiosk"]}"\n\n'
            f'[printer]\naddress = "{self.printer.address}"\n\n'
            '[screen]\nwidth_px = 1080\nheight_px = 1920\nfullscreen = false\nhide_cursor = false\n\n'
            f'[kiosk]\nticket_display_s = 3\nsite_refresh_s = 2\nhub_retry_s = 1\nissue_retry_s = 2\n'
            f'technician_pin_hash = "{hash_pin("1234", iterations=1000)}"\ncache_db = "{cache / "kiosk.db"}"\n',
            encoding="utf-8")
        (self.dir / "panel.toml").write_text(
            f'[hub]\nurl = "{links["panel"].url}"\ntoken = "{self.tokens["panel"]}"\n\n'
            f'[counter]\nnumber = {PANEL_COUNTER}\nalways_on_top = false\npoll_s = 2\n\n'
            f'[[clerks]]\nname = "Nguyễn Thị Lan"\npin = "{CLERK_PIN}"\n', encoding="utf-8")
        (self.dir / "bridge.toml").write_text(
            f'[hub]\nurl = "{links["bridge"].url}"\ntoken = "{self.tokens["bridge"]}"\n\n'
            f'[counter]\nnumber = {BRIDGE_COUNTERS[0]}\n\n'
            f'[keypad]\nport = "{self.ptys["keypad"].path}"\ncounters = {list(BRIDGE_COUNTERS)}\n\n'
            f'[[leds]]\nport = "{self.ptys["led4"].path}"\nmode = "modbus"\naddress = 4\ncounter = 4\n\n'
            f'[[leds]]\nport = "{self.ptys["led5"].path}"\nmode = "ascii"\ncounter = 5\n', encoding="utf-8")
        cli = [self.python, "-m", "motcua.cli"]
        self.devices = {
            "board": Device("board", [*cli, "board", "--config", str(self.dir / "board.toml"), "--window"],
                            links["board"]),
            "kiosk": Device("kiosk", [*cli, "kiosk", "--config", str(self.dir / "kiosk.toml"), "--windowed"],
                            links["kiosk"]),
            "panel": Device("panel", [*cli, "counter", "--config", str(self.dir / "panel.toml")], links["panel"]),
            "bridge": Device("bridge", [*cli, "counter", "--headless", "--config", str(self.dir / "bridge.toml")],
                             links["bridge"]),
        }
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_load.set()
        for dev in self.devices.values():
            _terminate(dev.proc)
            dev.link.close()
        _terminate(self.hub)
        for t in self._threads:
            t.join(3)
        for p in self.ptys.values():
            p.close()
        self.printer.close()

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.counts[key] = self.counts.get(key, 0) + n

    # -------------------------------------------------------------- the hub
    def sim_now(self) -> float:
        """The hub's clock now (as the harness started it)."""
        return self.hub_started_sim + (time.monotonic() - self.hub_started_real) * self.speed

    def start_hub(self, at: datetime | float, speed: float) -> None:
        """Start (or restart) the hub process with its clock at `at`, running `speed` times real time."""
        from sync.client import wait_for_hub

        if self.hub is not None:
            self.stop_hub()
            self.hub_restarts += 1
            for dev in self.devices.values():
                if dev.proc is not None and dev.proc.poll() is None:
                    dev.restarts_seen += 1
        sim = at.timestamp() if isinstance(at, datetime) else at
        start = datetime.fromtimestamp(sim, VIETNAM_TZ).isoformat(timespec="seconds")
        out = open(self.dir / "hub.log", "ab")  # noqa: SIM115 - the child keeps it
        self.hub = subprocess.Popen([self.python, "-m", "motcua.cli", "hub", "--config", str(self.dir / "site.toml"),
                                     "--db", str(self.db), "--host", "127.0.0.1", "--port", str(self.hub_port),
                                     "--clock-start", start, "--clock-speed", str(speed), "--log-level", "warning"],
                                    stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        out.close()
        self.hub_started_real, self.hub_started_sim, self.speed = time.monotonic(), sim, speed
        if not wait_for_hub(f"http://127.0.0.1:{self.hub_port}", timeout=30):
            raise RuntimeError(f"the hub did not start; see {self.dir / 'hub.log'}")
        self.log(f"hub at {start} ×{speed:g}")

    def stop_hub(self) -> None:
        if self.hub is not None:
            self.hub.send_signal(signal.SIGTERM)  # as systemd stops it
            try:
                self.hub.wait(15)
            except subprocess.TimeoutExpired:
                self.hub.kill()
                self.hub.wait()

    def admin(self) -> Any:
        from sync.client import HubClient

        return HubClient(f"http://127.0.0.1:{self.hub_port}", self.tokens["admin"], timeout=10)

    # -------------------------------------------------------------- devices
    def start_devices(self) -> None:
        """Start the four device processes and wait until each has said it is ready (its first dump)."""
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MOTCUA_DUMP_DIR=str(self.dumps),
                   XDG_CACHE_HOME=str(self.dir / "xdg"), PYTHONUNBUFFERED="1")
        for dev in self.devices.values():
            denv = dict(env)
            if dev.role == "kiosk":
                denv.update(MOTCUA_AUTOPILOT=str(self.cfg.kiosk_autopilot_s), MOTCUA_AUTOPILOT_SEED="1")
            elif dev.role == "panel":
                denv.update(MOTCUA_AUTOPILOT=str(self.cfg.panel_autopilot_s), MOTCUA_AUTOPILOT_SEED="2")
            out = open(self.dir / f"{dev.role}.log", "ab")  # noqa: SIM115 - the child keeps it
            dev.proc = subprocess.Popen(dev.argv, stdout=out, stderr=subprocess.STDOUT, env=denv, cwd=self.dir)
            out.close()
        deadline = time.monotonic() + 60
        for dev in self.devices.values():
            while not (self.dumps / f"{dev.role}.json").exists():
                if dev.proc is not None and dev.proc.poll() is not None:
                    raise RuntimeError(f"{dev.role} exited at start ({dev.proc.returncode}); see {dev.role}.log")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{dev.role} did not become ready in 60 s")
                time.sleep(0.1)
        self.log("devices ready")

    def dump(self, role: str, timeout: float = 15.0) -> dict[str, Any]:
        """Ask a device for its screen and state (SIGUSR1) and read the state it wrote."""
        dev = self.devices[role]
        path = self.dumps / f"{role}.json"
        seen = json.loads(path.read_text(encoding="utf-8"))["dump"]
        assert dev.proc is not None
        dev.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while True:
            state = json.loads(path.read_text(encoding="utf-8"))
            if state["dump"] > seen:
                return state  # type: ignore[no-any-return]
            if time.monotonic() > deadline:
                raise RuntimeError(f"{role} did not dump its screen in {timeout} s")
            time.sleep(0.05)

    def pause_autopilots(self) -> None:
        """Flip the kiosk's and the panel's autopilots (SIGUSR2)."""
        for role in ("kiosk", "panel"):
            proc = self.devices[role].proc
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGUSR2)

    # -------------------------------------------------------------- load and watching
    def _thread(self, target: Any, name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def _paced(self, rate: float, step: Any) -> None:
        """Call step() `rate` times a second while the load is on."""
        if rate <= 0:
            return
        gap = 1.0 / rate
        nxt = time.monotonic()
        while not self.stop_load.is_set():
            if not self.load_on.wait(0.2):
                nxt = time.monotonic()
                continue
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - the hub may be restarting: count and go on
                self.count(f"load_error.{type(exc).__name__}")
            nxt += gap
            delay = nxt - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.monotonic()

    def _citizens(self, lane: int = 0) -> None:
        from sync.client import HubClient, HubError

        client = HubClient(f"http://127.0.0.1:{self.hub_port}", self.tokens["kiosk"], timeout=5)
        rng = random.Random(3 + lane)

        def step() -> None:
            service = rng.choices(["DD", "TP", "XD"], weights=[5, 4, 2])[0]
            try:
                client.issue(service, priority="elderly" if rng.random() < 0.05 else None)
                self.count("harness.issued")
            except HubError as exc:
                self.count(f"harness.issue_refused.{exc.code}")

        self._paced(self.cfg.issue_per_s / 2, step)

    def _other_clerks(self, lane: int = 0) -> None:
        from sync.client import HubClient

        client = HubClient(f"http://127.0.0.1:{self.hub_port}", self.tokens["counter"], timeout=5)
        turn = [lane]

        def step() -> None:
            n = OTHER_COUNTERS[turn[0] % len(OTHER_COUNTERS)]
            turn[0] += 1
            if client.call_next(n) is not None:
                self.count("harness.called")

        self._paced(self.cfg.other_calls_per_s / 2, step)

    def _keypad(self) -> None:
        """A clerk at counters 4 and 5 pressing keypad keys: mostly NEXT, sometimes RECALL, SKIP, DONE, PAUSE."""
        pty = self.ptys["keypad"]
        rng = random.Random(4)
        buf = b""
        while not self.stop_load.is_set():
            if not self.load_on.wait(0.2):
                continue
            n = rng.choice(BRIDGE_COUNTERS)
            verb = rng.choices(["NEXT", "RECALL", "SKIP", "DONE", "PAUSE", "PING"], weights=[60, 10, 8, 12, 3, 2])[0]
            os.write(pty.master, f"{verb} {n}\r\n".encode() if verb != "PING" else b"PING\r\n")
            self.count("keypad.sent")
            deadline = time.monotonic() + 10
            while b"\r\n" not in buf and time.monotonic() < deadline and not self.stop_load.is_set():
                buf += pty.read_available(0.2)
            if b"\r\n" not in buf:
                self.count("keypad.no_answer")
                buf = b""
                continue
            line, buf = buf.split(b"\r\n", 1)
            word = " ".join(line.decode("ascii", "replace").split()[:2]) if line.startswith(b"ERR") else "OK"
            with self._lock:
                self.keypad_replies[word] = self.keypad_replies.get(word, 0) + 1
            if verb == "PAUSE" and line.strip() == b"OK PAUSED":
                os.write(pty.master, f"RESUME {n}\r\n".encode())  # the clerk is back at once
                self.count("keypad.sent")
                end = time.monotonic() + 10
                while b"\r\n" not in buf and time.monotonic() < end:
                    buf += pty.read_available(0.2)
                buf = buf.split(b"\r\n", 1)[1] if b"\r\n" in buf else b""
            time.sleep(self.cfg.keypad_gap_s)

    def _leds(self) -> None:
        """Read what the bridge sends to the LED displays; keep the last frame of each (and echo Modbus)."""
        bufs = {4: b"", 5: b""}
        while not self.stop_load.is_set() or any(bufs.values()):
            for counter, name in ((4, "led4"), (5, "led5")):
                data = self.ptys[name].read_available(0.05)
                if not data:
                    continue
                buf = bufs[counter] + data
                if counter == 4:
                    while len(buf) >= 8:
                        frame, buf = buf[:8], buf[8:]
                        self.led_frames[4] = frame
                        os.write(self.ptys[name].master, frame)  # a Modbus display echoes a write
                else:
                    while b"\r\n" in buf:
                        frame, buf = buf.split(b"\r\n", 1)
                        self.led_frames[5] = frame
                bufs[counter] = buf
            if self.stop_load.is_set():
                break

    def _sampler(self) -> None:
        while not self.stop_load.is_set():
            t = self.elapsed()
            for dev in self.devices.values():
                if dev.proc is None:
                    continue
                if dev.proc.poll() is not None:
                    if dev.exit_code is None:
                        dev.exit_code = dev.proc.returncode
                        self.failures.append(f"{dev.role} died (exit {dev.exit_code}) at {t:.0f} s")
                    continue
                try:
                    st = process_stats(dev.proc.pid)
                except OSError:
                    continue
                if self.load_end is None:
                    dev.samples.append((t, st["rss"], st["fds"], st["threads"], st["anon"]))
                    targets = fd_targets(dev.proc.pid)
                    if self.warm_at is not None and dev.fds_at_warm is None:
                        dev.fds_at_warm = targets
                    dev.fds_last = targets
            if self.hub is not None and self.hub.poll() is None:
                try:
                    st = process_stats(self.hub.pid)
                    self.hub_samples.append((t, st["rss"], st["fds"], st["threads"], st["anon"]))
                except OSError:
                    pass
            self.stop_load.wait(self.cfg.sample_s)

    # -------------------------------------------------------------- the plan
    def cut_links(self, mode: str) -> None:
        for dev in self.devices.values():
            dev.link.cut(mode)
            dev.cuts_seen += 1

    def restore_links(self) -> None:
        for dev in self.devices.values():
            dev.link.restore()

    def _work(self, day: Day) -> None:
        """A working session: the hub from 07:20 to 17:00 of the day, squeezed into day.work_s real seconds."""
        start = day.date.replace(hour=7, minute=20)
        speed = (9 * 3600 + 40 * 60) / day.work_s
        self.start_hub(start, speed)
        self.load_on.set()
        events = sorted([(day.cut_at, "cut"), (day.restart_at, "restart")], key=lambda e: e[0] or 2.0)
        t_start = time.monotonic()
        for frac, what in events:
            if frac is None:
                continue
            self._sleep_until(t_start + frac * day.work_s)
            if what == "cut":
                self.log(f"cut ({day.cut_mode}) for {day.cut_s:g} s")
                self.cut_links(day.cut_mode)
                time.sleep(day.cut_s)
                self.restore_links()
            else:
                self.start_hub(self.sim_now(), speed)
        self._sleep_until(t_start + day.work_s)
        if self.warm_at is None:
            self.warm_at = self.elapsed()
        self.load_on.clear()

    def _night(self, day: Day) -> None:
        """The idle night: the hub restarted a few minutes before midnight; nobody touches anything."""
        if day.night_s <= 0:
            return
        midnight = (day.date + timedelta(days=1)).replace(hour=0, minute=0)
        # midnight passes a third of the way into the night; the rest of the night runs 30x
        self.start_hub(midnight.timestamp() - day.night_s / 3 * 30, 30.0)
        time.sleep(day.night_s)

    def _sleep_until(self, t: float) -> None:
        while (left := t - time.monotonic()) > 0:
            time.sleep(min(left, 0.5))

    def run(self) -> dict[str, Any]:
        """Run the plan; stop the load; compare every screen with the hub; the report."""
        first = self.cfg.days[0]
        self.start_hub(first.date.replace(hour=7, minute=0), 1.0)
        self.start_devices()
        self.t0 = time.monotonic()
        for target, name in ((self._sampler, "sampler"), (self._keypad, "keypad"), (self._leds, "leds")):
            self._thread(target, name)
        # the center's other kiosks and clerks: two of each, so that one slow answer does not slow them all
        for i in range(2):
            self._thread(lambda i=i: self._citizens(i), f"citizens-{i}")
            self._thread(lambda i=i: self._other_clerks(i), f"clerks-{i}")
        for day in self.cfg.days:
            self.log(f"day {day.date:%a %d/%m}")
            if day.work_s > 0:
                self._work(day)
            else:
                self.start_hub(day.date.replace(hour=9), 60.0)
                if self.warm_at is None:
                    self.warm_at = self.elapsed()
            self._night(day)
        if self.warm_at is None:
            self.warm_at = self.elapsed()
        return self.finish()

    # -------------------------------------------------------------- the end
    def finish(self) -> dict[str, Any]:
        """Stop the load, let the screens settle, compare them with the hub, and report."""
        self.pause_autopilots()
        self.load_on.clear()
        # The figures end here: the final screen dumps (a full-screen grab each) are not the devices' own load.
        duration = self.load_end = self.elapsed()
        time.sleep(1.0)
        screens = self.check_screens()
        self.sample_quiet(duration)
        self.stop_load.set()
        for t in self._threads:
            t.join(5)
        return self.report(duration, screens)

    def sample_quiet(self, duration: float, *, settle_s: float = 15.0, gap_s: float = 0.5) -> None:
        """Each device's open files with nothing left to do (after the screens agreed with the hub): sampled
        until each is back within fd_allow of its floor after warm-up, or settle_s passes. The board may still
        be announcing the last calls, each with the sound output's descriptors, on a busy machine; a leak never
        comes back down."""
        warm, window = self.windows(duration)
        floors = {role: flatness(dev.samples, warm, window, duration)["fds_warm"]
                  for role, dev in self.devices.items() if dev.samples}
        deadline = time.monotonic() + settle_s
        while True:
            for dev in self.devices.values():
                if dev.proc is None or dev.proc.poll() is not None:
                    continue
                try:
                    n = process_stats(dev.proc.pid)["fds"]
                    targets = fd_targets(dev.proc.pid)
                except OSError:
                    continue
                if dev.fds_quiet is None or n < dev.fds_quiet:
                    dev.fds_quiet, dev.fds_quiet_targets = n, targets
            settled = all(dev.fds_quiet is not None and dev.fds_quiet <= floors.get(role, 0) + self.cfg.fd_allow
                          for role, dev in self.devices.items() if dev.proc is not None and dev.proc.poll() is None)
            if settled or time.monotonic() > deadline:
                return
            time.sleep(gap_s)

    def windows(self, duration: float) -> tuple[float, float]:
        """When warm-up ended and how long the windows compared are (seconds since the start)."""
        warm = self.warm_at or duration * self.cfg.warmup_fraction
        return warm, max(5.0, (duration - warm) * self.cfg.window_fraction)

    def check_screens(self) -> dict[str, Any]:
        """Every device's dump against the hub's state, retried until they agree or settle_s passes."""
        admin = self.admin()
        results: dict[str, Any] = {}
        deadline = time.monotonic() + self.cfg.settle_s
        pending = {r for r, d in self.devices.items() if d.proc is not None and d.proc.poll() is None}
        problems: dict[str, list[str]] = {}
        states: dict[str, dict[str, Any]] = {}
        while pending and time.monotonic() < deadline:
            # The screens' dumps are JSON: compare them with the hub's documents as JSON.
            board = admin.board().model_dump(mode="json")
            site = admin.site().model_dump(mode="json")
            for role in sorted(pending):
                try:
                    states[role] = self.dump(role)
                except RuntimeError as exc:
                    problems[role] = [str(exc)]
                    continue
                problems[role] = compare_screen(role, states[role], board, site, admin, self.led_frames)
                if not problems[role]:
                    pending.discard(role)
            if pending:
                time.sleep(0.5)
        for role, dev in self.devices.items():
            alive = dev.proc is not None and dev.proc.poll() is None
            results[role] = {"ok": alive and not problems.get(role), "problems": problems.get(role, []),
                             "state": states.get(role, {})}
            if alive and problems.get(role):
                self.failures.append(f"{role} screen disagrees with the hub: {problems[role]}")
            png = self.dumps / f"{role}.png"
            if role != "bridge" and alive and not (png.exists() and png.stat().st_size > 1000):
                self.failures.append(f"{role} wrote no screenshot")
        admin.close()
        return results

    def report(self, duration: float, screens: dict[str, Any]) -> dict[str, Any]:
        """The figures: duration, calls, per process memory and open files, restarts survived, alive."""
        warm, window = self.windows(duration)
        events = event_counts(self.db)
        calls = events.get("ticket.called", 0) + events.get("ticket.recalled", 0)
        processes: dict[str, Any] = {}
        for role, dev in self.devices.items():
            alive = dev.proc is not None and dev.proc.poll() is None and dev.exit_code is None
            fig = flatness(dev.samples, warm, window, duration)
            # A steady creep within the allowance is still a leak: a kiosk gaining 0.5 MiB a minute passes a
            # 30-minute total of 14 MiB and dies in weeks. Judged over a long enough span only.
            judged = duration - warm >= self.cfg.rss_slope_min_span_s
            mem_faults = memory_faults(fig, allow_bytes=self.cfg.rss_allow_bytes, allow_ratio=self.cfg.rss_allow_ratio,
                                       slope_allow_kib_per_min=self.cfg.rss_slope_allow_kib_per_min,
                                       judge_slope=judged)
            flat_rss = not mem_faults
            fig["fds_quiet"] = dev.fds_quiet
            fig["fds_growth"] = fds_growth(fig, dev.fds_quiet)
            flat_fds = fig["fds_growth"] <= self.cfg.fd_allow
            if alive:
                self.failures += [f"{role} {fault}" for fault in mem_faults]
            if alive and not flat_fds:
                quiet_judged = dev.fds_quiet is not None and dev.fds_quiet < fig["fds_end"]
                now = dev.fds_quiet_targets if quiet_judged else dev.fds_last
                self.failures.append(f"{role} open files grew by {fig['fds_growth']}"
                                     f" (new since warm-up: {opened_since(dev.fds_at_warm, now)})")
            processes[role] = {"alive": alive, "exit_code": dev.exit_code, "restarts_survived": dev.restarts_seen,
                               "cuts_survived": dev.cuts_seen, "flat_rss": flat_rss, "flat_fds": flat_fds,
                               "rss_slope_judged": judged, **fig,
                               "screen_ok": screens.get(role, {}).get("ok", False)}
        autopilot_ops = {
            "kiosk_touches": sum(((screens.get("kiosk", {}).get("state") or {}).get("autopilot") or {})
                                 .get("touches", {}).values()),
            "panel_clicks": sum(((screens.get("panel", {}).get("state") or {}).get("autopilot") or {})
                                .get("clicks", {}).values()),
        }
        board_diag = (screens.get("board", {}).get("state") or {}).get("diagnostics") or {}
        voice = board_diag.get("announcer") or {}
        device_ops = {"keypad_lines": self.counts.get("keypad.sent", 0), **autopilot_ops,
                      "board_events": (board_diag.get("feed") or {}).get("events_seen") or 0,
                      # what the voice did with the calls: spoken (or queued), skipped in bursts, sentences
                      # pruned from its cache
                      "board_calls_announced": board_diag.get("calls_announced") or 0,
                      "announcer_skipped": voice.get("skipped", 0), "announcer_cache_pruned": voice.get("cache_pruned", 0)}
        return {
            "ok": not self.failures,
            "failures": self.failures,
            "duration_s": round(duration, 1),
            "warmup_s": round(warm, 1),
            "window_s": round(window, 1),
            "sim_days": len(self.cfg.days),
            "hub_restarts": self.hub_restarts,
            "calls": calls,
            "tickets": events.get("ticket.issued", 0),
            "device_operations": device_ops,
            "device_operations_total": device_ops["keypad_lines"] + autopilot_ops["kiosk_touches"]
            + autopilot_ops["panel_clicks"],
            "events": events,
            "harness": dict(sorted(self.counts.items())),
            "keypad_replies": dict(sorted(self.keypad_replies.items())),
            "printer": {"bytes": self.printer.bytes, "cuts": self.printer.cuts},
            "processes": processes,
            "hub": {"last_life": flatness(self.hub_samples, 0, 5, duration) if self.hub_samples else None},
            "screens": {r: {"ok": s["ok"], "problems": s["problems"]} for r, s in screens.items()},
            "machine": {"cpus": os.cpu_count(), "load_avg": [round(x, 2) for x in os.getloadavg()]},
        }


def _terminate(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _free_port() -> int:
    from sync.server import free_port

    return free_port()
