"""A hub and a central server on this machine: the one place that knows how to start them for the demo, the
screenshot scripts, the benchmarks and the tests.

- `LocalSite`: a folder (temporary or given), a site configuration (given or the example), a hub and the
  reference central server on 127.0.0.1 (free ports, or given), a token per device role, the hub's relay
  wired to that central server, an optional fast clock, a clean stop. In this process (uvicorn threads) or
  as `motcua hub` / `motcua central` child processes (`processes=True`).
- The pieces it is made of, for callers that arrange them otherwise (a proxy between the hub and the
  central server, a hub killed and restarted with another clock): `LocalHub` and `LocalCentral` (in this
  process), `HubProcess` and `CentralProcess` (child processes), `make_tokens`, `always_open_site_toml`.

Not for production: `motcua hub` and `motcua central` (sync.hub_cli, sync.central.cli) run the real roles.
The hub made here is the same code on real sockets and SQLite files, only its start-up is shorter.

Hazards: a counter token made here acts on every counter (`--any-counter`), because a local site's clerks —
simulated or under test — call at any counter with one token; a real counter PC gets `--counter N`. The hub's
relay reaches the local central server with a real site token minted in its store, so no development token
is needed; `dev_tokens=True` on a central server also accepts `dev-central-token-SITE` (the example site
file's), for hubs started from a site file that carries it.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from motcua.clock import VIETNAM_TZ, Clock, ScaledClock
from motcua.config import SiteConfig, example_site_config_path, load_site_config
from sync.server import ServerThread, free_port
from sync.store import create_token

if TYPE_CHECKING:
    import requests

    from sync.central.app import CentralSettings
    from sync.central.store import CentralStore
    from sync.client import HubClient
    from sync.hub import Hub
    from sync.store import SiteStore

log = logging.getLogger(__name__)

DEFAULT_ROLES = ("kiosk", "board", "counter", "admin")
"""The device roles a local site gets a token for, unless told otherwise."""

MOTCUA = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
"""The `motcua` command of this interpreter (the child processes run the code of this checkout)."""


def remove_database(path: Path) -> None:
    """Remove a SQLite database and what lives beside it (-wal, -shm, .lock, the .blobs folder)."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(str(path) + ".blobs", ignore_errors=True)


def make_tokens(db: Path, roles: Iterable[str] = DEFAULT_ROLES, *, name: str = "local") -> dict[str, str]:
    """One device token per role in the hub's database, named "NAME ROLE" (the counter's acts on every counter)."""
    return {r: create_token(db, role=r, name=f"{name} {r}", any_counter=r == "counter") for r in roles}


def always_open_site_toml(*, code: str, name: str, services: dict[str, str], counters: int = 1,
                          agency_code: str = "", central_url: str = "", central_token: str = "") -> str:
    """A site file open day and night (benchmarks and process-level tests run at any hour): the services
    ({code: name}, six-digit numbers from 1) and `counters` counters that each serve all of them."""
    lines = [f'[site]\ncode = "{code}"\nname = "{name}"']
    if agency_code:
        lines.append(f'agency_code = "{agency_code}"')
    lines.append("[hours]")
    lines += [f'{day} = ["00:00-24:00"]' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    lines.append("issue_early_min = 0\nstop_issuing_before_close_min = 0")
    if central_url or central_token:
        lines.append("[central]")
        if central_url:
            lines.append(f'url = "{central_url}"')
        if central_token:
            lines.append(f'token = "{central_token}"')
    for svc_code, svc_name in services.items():
        lines.append(f'[[services]]\ncode = "{svc_code}"\nname = "{svc_name}"\nfirst_number = 1\ndigits = 6')
    all_codes = ", ".join(f'"{c}"' for c in services)
    for n in range(1, counters + 1):
        lines.append(f"[[counters]]\nnumber = {n}\nservices = [{all_codes}]")
    return "\n".join(lines) + "\n"


def _wait_healthy(url: str, *, timeout: float, ca_file: str | Path | None = None,
                  proc: subprocess.Popen[bytes] | None = None) -> bool:
    """Poll GET /api/v1/health (the hub's and the central server's) until it answers 200."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            if requests.get(url + "/api/v1/health", timeout=1, verify=str(ca_file) if ca_file else True).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------------------------------------- the hub
class _HubSide:
    """What a hub offers its callers however it runs: its database, tokens, URL and clients."""

    db: Path
    tokens: dict[str, str]
    ca_file: Path | None = None

    @property
    def url(self) -> str:  # pragma: no cover - each kind of hub says where it listens
        raise NotImplementedError

    def token(self, role: str, name: str, *, counter: int | None = None, any_counter: bool = False,
              expires_at: float | None = None) -> str:
        """Another device token in this hub's database (a running hub takes it within a second)."""
        return create_token(self.db, role=role, name=name, counter=counter, any_counter=any_counter,
                            expires_at=expires_at)

    def client(self, role: str = "admin", **kw: Any) -> HubClient:
        """A HubClient with this role's token (what the devices use)."""
        from sync.client import HubClient

        return HubClient(self.url, self.tokens[role], ca_file=self.ca_file, **kw)

    def session(self, role: str = "admin") -> requests.Session:
        """A requests session with this role's token (raw HTTP, for tests that look at the wire)."""
        import requests

        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        if self.ca_file is not None:
            s.verify = str(self.ca_file)
        return s

    def wait_synced(self, *, timeout: float = 15.0, since: float | None = None) -> bool:
        """Wait until the outbox is empty and every dossier has its official code (needs the admin token).

        `since`: only dossiers submitted from then on must have one (a seeded history keeps provisional codes).
        """
        from sync.client import HubError, HubUnavailable

        admin = self.client("admin")
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    st = admin.sync_status()
                except (HubError, HubUnavailable):
                    st = None
                if st is not None:
                    unlinked = st.dossiers_unlinked if since is None else self._unlinked_since(since)
                    if st.backlog == 0 and unlinked == 0 and st.state == "ok":
                        return True
                time.sleep(0.1)
            return False
        finally:
            admin.close()

    def _unlinked_since(self, since: float) -> int:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return int(con.execute("SELECT COUNT(*) FROM dossiers WHERE code IS NULL AND submitted_at >= ?",
                                   (since,)).fetchone()[0])
        finally:
            con.close()


class LocalHub(_HubSide):
    """A Hub served over real HTTP(S) by uvicorn in a thread of this process, on a SQLite file; a token per role.

    `central_url` overrides the site file's [central] url ("" turns the relay off), `central_token` its token;
    `relay_settings` overrides RelaySettings fields (fast retries in tests). `tls` is (certificate, key, the CA
    the devices trust); `public` adds the public pages' own listener. `restart()` keeps the ports.
    """

    def __init__(self, config: SiteConfig, db: Path, *, clock: Clock | None = None, roles: Iterable[str] = DEFAULT_ROLES,
                 token_name: str = "local", host: str = "127.0.0.1", port: int | None = None, heartbeat_s: float = 15.0,
                 central_url: str | None = None, central_token: str | None = None,
                 relay_settings: dict[str, float] | None = None, tls: tuple[Path, Path, Path] | None = None,
                 public: bool = False, public_on_main: bool = True, docs: bool = False, commissioning: bool = False,
                 config_path: Path | None = None, start: bool = True, fast_path: bool = True) -> None:
        self.config, self.db, self.clock = config, Path(db), clock
        self.fast_path = fast_path
        """False: POST /tickets and /counters/{n}/next go through their FastAPI routes (sync.hub.fastpath)."""
        self.host, self.port = host, port
        self.heartbeat_s = heartbeat_s
        self.central_url, self.central_token = central_url, central_token
        self.relay_settings = dict(relay_settings or {})
        self.tls = tls
        self.ca_file = Path(tls[2]) if tls else None
        self.public, self.public_on_main, self.docs = public, public_on_main, docs
        self.public_port: int | None = None
        self.commissioning = commissioning
        self.config_path = config_path
        self.tokens = make_tokens(self.db, roles, name=token_name)
        self.server: ServerThread | None = None
        self.store: SiteStore | None = None
        self.hub: Hub | None = None
        if start:
            self.start()

    def make_hub(self, store: SiteStore) -> Hub:
        """The Hub over the store, wired to the central server as asked (a subclass may adjust it)."""
        from sync.hub import Hub

        hub = Hub(self.config, store, clock=self.clock, heartbeat_s=self.heartbeat_s, config_path=self.config_path,
                  commissioning=self.commissioning)
        if self.central_url is not None:
            hub.central_url = self.central_url
        if self.central_token is not None:
            hub.central_token = self.central_token
        hub.relay_settings = dict(self.relay_settings)
        return hub

    def start(self) -> LocalHub:
        """Open the store, make the Hub and serve it; returns once it accepts connections."""
        from sync.hub import create_app, create_public_app
        from sync.store import SiteStore

        self.store = SiteStore(self.db)
        try:
            self.hub = self.make_hub(self.store)
            cert, key = (str(self.tls[0]), str(self.tls[1])) if self.tls else (None, None)
            self.server = ServerThread(create_app(self.hub, docs=self.docs, public_pages=self.public_on_main,
                                                  fast_path=self.fast_path),
                                       host=self.host, port=self.port, certfile=cert, keyfile=key,
                                       public=create_public_app(self.hub) if self.public else None,
                                       public_port=self.public_port).start()
        except BaseException:
            self.store.close()
            raise
        self.port, self.public_port = self.server.port, self.server.public_port
        return self

    def request_stop(self) -> None:
        """Ask the server to stop without waiting for it; `stop` then waits and closes the store."""
        if self.server is not None:
            self.server.request_stop()

    def stop(self) -> None:
        """Stop serving (the hub's lifespan stops the relay and the writer) and close the store."""
        if self.server is not None:
            self.server.stop()
        if self.store is not None:
            self.store.close()

    def restart(self) -> None:
        """Stop and start again on the same ports and database (what a restarted `motcua hub` does)."""
        self.stop()
        self.start()

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41234."""
        assert self.server is not None, "the hub has not started"
        return self.server.url

    @property
    def public_url(self) -> str | None:
        """Base URL of the public pages' own listener, if any."""
        return self.server.public_url if self.server is not None else None


class HubProcess(_HubSide):
    """`motcua hub` as a child process: for what only a process shows (SIGKILL, SIGHUP, its own memory) and for
    benchmarks that must not share the interpreter with their clients.

    `clock_start`/`clock_speed` start the hub's clock at a given moment, running that much faster than real time.
    Output goes to `log_file` (appended) or to this process's.
    """

    def __init__(self, site_file: Path, db: Path, *, roles: Iterable[str] = DEFAULT_ROLES, token_name: str = "local",
                 host: str = "127.0.0.1", port: int | None = None, central_url: str | None = None,
                 central_token: str | None = None, clock_start: datetime | str | None = None, clock_speed: float = 1.0,
                 sync_backoff_max: float | None = None, sync_feed_interval: float | None = None,
                 log_level: str = "warning", log_file: Path | None = None, cwd: Path | None = None,
                 args: Sequence[str] = ()) -> None:
        self.site_file, self.db = Path(site_file), Path(db)
        self.host = host
        self.port = port or free_port(host)
        self.central_url, self.central_token = central_url, central_token
        self.clock_start, self.clock_speed = clock_start, clock_speed
        self.sync_backoff_max, self.sync_feed_interval = sync_backoff_max, sync_feed_interval
        self.log_level, self.log_file, self.cwd = log_level, log_file, cwd
        self.args = list(args)
        self.tokens = make_tokens(self.db, roles, name=token_name)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41234."""
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        """The running process's id."""
        assert self.proc is not None, "the hub has not started"
        return self.proc.pid

    def argv(self, *flags: str) -> list[str]:
        """The command line of the hub process."""
        argv = [*MOTCUA, "hub", "--config", str(self.site_file), "--db", str(self.db), "--host", self.host,
                "--port", str(self.port), "--log-level", self.log_level]
        if self.central_url is not None:
            argv += ["--central", self.central_url]
        if self.central_token:
            argv += ["--central-token", self.central_token]
        if self.clock_start is not None:
            start = self.clock_start.isoformat() if isinstance(self.clock_start, datetime) else self.clock_start
            argv += ["--clock-start", start, "--clock-speed", str(self.clock_speed)]
        if self.sync_backoff_max is not None:
            argv += ["--sync-backoff-max", str(self.sync_backoff_max)]
        if self.sync_feed_interval is not None:
            argv += ["--sync-feed-interval", str(self.sync_feed_interval)]
        return argv + self.args + list(flags)

    def start(self, *flags: str, timeout: float = 30.0) -> HubProcess:
        """Start `motcua hub` (with extra flags for this run) and wait until /health answers."""
        out: IO[bytes] | None = open(self.log_file, "ab") if self.log_file else None  # noqa: SIM115 - the child keeps it
        try:
            self.proc = subprocess.Popen(self.argv(*flags), stdout=out, stderr=subprocess.STDOUT if out else None,
                                         cwd=self.cwd)
        finally:
            if out is not None:
                out.close()
        if not _wait_healthy(self.url, timeout=timeout, proc=self.proc):
            code = self.proc.poll()
            self.stop()
            where = f"; see {self.log_file}" if self.log_file else ""
            raise RuntimeError(f"motcua hub did not start on {self.url} (exit status {code}){where}")
        return self

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, as systemd stops it; SIGKILL if it has not ended within `timeout`. Returns its exit status."""
        return _terminate(self.proc, timeout)

    def kill(self) -> None:
        """SIGKILL: a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def signal(self, sig: int) -> None:
        """Send a signal (SIGHUP re-reads the site file)."""
        assert self.proc is not None, "the hub has not started"
        self.proc.send_signal(sig)

    @contextmanager
    def running(self, *flags: str) -> Iterator[HubProcess]:
        """Run the hub for a with-block."""
        self.start(*flags)
        try:
            yield self
        finally:
            self.stop()


def _terminate(proc: subprocess.Popen[bytes] | None, timeout: float) -> int | None:
    if proc is None:
        return None
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.returncode


# ---------------------------------------------------------------------------------- the central server
class LocalCentral:
    """The reference central server in a thread of this process, on a SQLite file (and its blob folder)."""

    def __init__(self, db: Path, *, dev_tokens: bool = False, settings: CentralSettings | None = None,
                 host: str = "127.0.0.1", port: int | None = None, certfile: str | None = None,
                 keyfile: str | None = None, fresh: bool = False) -> None:
        self.db = Path(db)
        self.dev_tokens, self.settings = dev_tokens, settings
        self.host, self.port = host, port
        self.certfile, self.keyfile = certfile, keyfile
        if fresh:
            remove_database(self.db)
        self.server: ServerThread | None = None
        self.app: Any = None

    def start(self) -> LocalCentral:
        """Open the store and serve it; returns once it accepts connections."""
        from sync.central.app import create_central_app
        from sync.central.store import CentralStore

        self.app = create_central_app(CentralStore(self.db, dev_tokens=self.dev_tokens), self.settings)
        self.server = ServerThread(self.app, host=self.host, port=self.port, certfile=self.certfile,
                                   keyfile=self.keyfile).start()
        self.port = self.server.port
        return self

    def stop(self) -> None:
        """Stop serving (the app's lifespan closes the store)."""
        if self.server is not None:
            self.server.stop()

    @property
    def store(self) -> CentralStore:
        """The running server's store."""
        assert self.app is not None, "the central server has not started"
        return self.app.state.store  # type: ignore[no-any-return]

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41235."""
        assert self.server is not None, "the central server has not started"
        return self.server.url

    def site_token(self, site: str) -> str:
        """A new token for a site (what `motcua central token create --site SITE` prints)."""
        return self.store.create_token(site=site)

    def synced(self, site: str) -> int:
        """Tickets plus dossiers of the site that the central server holds."""
        counts = self.store.counts(site=site)
        return int(counts["tickets"] + counts["dossiers"])

    def __enter__(self) -> LocalCentral:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class CentralProcess:
    """`motcua central` as a child process."""

    def __init__(self, db: Path, *, dev_tokens: bool = False, host: str = "127.0.0.1", port: int | None = None,
                 log_level: str = "warning", log_file: Path | None = None, args: Sequence[str] = (),
                 fresh: bool = False) -> None:
        self.db = Path(db)
        self.dev_tokens = dev_tokens
        self.host = host
        self.port = port or free_port(host)
        self.log_level, self.log_file = log_level, log_file
        self.args = list(args)
        if fresh:
            remove_database(self.db)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41235."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> CentralProcess:
        """Start `motcua central` and wait until /health answers."""
        argv = [*MOTCUA, "central", "--db", str(self.db), "--host", self.host, "--port", str(self.port),
                "--log-level", self.log_level, *(["--dev-tokens"] if self.dev_tokens else []), *self.args]
        out: IO[bytes] | None = open(self.log_file, "ab") if self.log_file else None  # noqa: SIM115 - the child keeps it
        try:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT if out else None)
        finally:
            if out is not None:
                out.close()
        if not _wait_healthy(self.url, timeout=timeout, proc=self.proc):
            code = self.proc.poll()
            self.stop()
            raise RuntimeError(f"motcua central did not start on {self.url} (exit status {code})")
        return self

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (SIGKILL if it has not ended within `timeout`); returns its exit status."""
        return _terminate(self.proc, timeout)

    def cli(self, *args: str) -> str:
        """Run `motcua central ARGS --db DB` on this server's database; returns what it printed."""
        return subprocess.run([*MOTCUA, "central", *args, "--db", str(self.db)], check=True, capture_output=True,
                              text=True, timeout=60).stdout

    def site_token(self, site: str) -> str:
        """A new token for a site, made in the server's database (running or not)."""
        from sync.central.store import CentralStore

        store = CentralStore(self.db)
        try:
            return store.create_token(site=site)
        finally:
            store.close()

    def synced(self, site: str) -> int:
        """Tickets plus dossiers of the site that the central server holds (read from its database)."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return sum(int(con.execute(f"SELECT COUNT(*) FROM {t} WHERE site = ?", (site,)).fetchone()[0])
                       for t in ("tickets", "dossiers"))
        finally:
            con.close()


# ------------------------------------------------------------------------------------------ the site
class LocalSite:
    """A hub and a central server on this machine, started together and stopped together.

    - `folder`: where the databases live (made if missing); None: a temporary folder, removed at stop.
      `fresh` removes the databases of an earlier run first.
    - `config`: a SiteConfig or a site file (default: the example center); in `processes` mode, a file.
    - `clock`: the hub's clock (a ManualClock in tests, a ScaledClock for a fast morning; a process hub
      takes only a ScaledClock, as `--clock-start`/`--clock-speed`). None: the real time.
    - `roles`: a token for each (`tokens[role]`), named "TOKEN_NAME ROLE"; the counter's acts on every counter.
    - `central`: run the reference central server beside the hub, the hub's relay wired to it with a site
      token of its own; False: no central server and no relay (not even to the site file's [central] url).
    - `hub_port`/`central_port`: fixed ports (default: free ones); the hub and the central server listen on
      `host` (127.0.0.1). `docs` serves the hub's API description at /docs (in-process hubs).
    """

    def __init__(self, folder: Path | str | None = None, *, config: SiteConfig | Path | str | None = None,
                 clock: Clock | None = None, roles: Iterable[str] = DEFAULT_ROLES, token_name: str = "local",
                 central: bool = True, processes: bool = False, host: str = "127.0.0.1",
                 hub_port: int | None = None, central_port: int | None = None, docs: bool = False,
                 fresh: bool = False, hub_db: str = "hub.db", central_db: str = "central.db",
                 relay_settings: dict[str, float] | None = None, log_level: str = "warning",
                 central_settings: CentralSettings | None = None) -> None:
        self._own_folder = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="motcua-site-")) if folder is None else Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path: Path | None = None
        if isinstance(config, SiteConfig):
            self.config = config
        else:
            self.config_path = Path(config) if config is not None else example_site_config_path()
            self.config = load_site_config(self.config_path)
        if processes and self.config_path is None:
            raise ValueError("a hub process reads its site from a file: give config as a path")
        if processes and clock is not None and not isinstance(clock, ScaledClock):
            raise ValueError("a hub process runs the real time or a ScaledClock (--clock-start/--clock-speed)")
        self.clock, self.roles, self.token_name = clock, tuple(roles), token_name
        self.processes, self.host, self.docs = processes, host, docs
        self.hub_port, self.central_port = hub_port, central_port
        self.db, self.central_db = self.folder / hub_db, self.folder / central_db
        if fresh:
            remove_database(self.db)
            remove_database(self.central_db)
        self.with_central = central
        self.relay_settings = dict(relay_settings or {})
        self.log_level = log_level
        self.central_settings = central_settings
        """The in-process central server's settings (its clock, its notices provider: the demo's)."""
        self.hub: LocalHub | HubProcess | None = None
        self.central: LocalCentral | CentralProcess | None = None

    @property
    def code(self) -> str:
        """The site's code."""
        return self.config.site.code

    def start(self) -> LocalSite:
        """Start the central server (if any), then the hub syncing to it."""
        try:
            central_url, central_token = "", None
            if self.with_central:
                if self.processes:
                    self.central = CentralProcess(self.central_db, host=self.host, port=self.central_port,
                                                  log_level=self.log_level)
                    central_token = self.central.site_token(self.code)
                    self.central.start()
                else:
                    self.central = LocalCentral(self.central_db, host=self.host, port=self.central_port,
                                                settings=self.central_settings).start()
                    central_token = self.central.site_token(self.code)
                central_url = self.central.url
            if self.processes:
                assert self.config_path is not None
                start = speed = None
                if isinstance(self.clock, ScaledClock):
                    start, speed = datetime.fromtimestamp(self.clock.time(), VIETNAM_TZ), self.clock.speed
                self.hub = HubProcess(self.config_path, self.db, roles=self.roles, token_name=self.token_name,
                                      host=self.host, port=self.hub_port, central_url=central_url,
                                      central_token=central_token, clock_start=start, clock_speed=speed or 1.0,
                                      sync_backoff_max=self.relay_settings.get("backoff_max_s"),
                                      sync_feed_interval=self.relay_settings.get("feed_interval_s"),
                                      log_level=self.log_level).start()
            else:
                self.hub = LocalHub(self.config, self.db, clock=self.clock, roles=self.roles,
                                    token_name=self.token_name, host=self.host, port=self.hub_port,
                                    central_url=central_url, central_token=central_token,
                                    relay_settings=self.relay_settings, docs=self.docs, config_path=self.config_path)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the hub, then the central server; remove the folder if it was a temporary one."""
        if self.hub is not None:
            self.hub.stop()
        if self.central is not None:
            self.central.stop()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _hub(self) -> LocalHub | HubProcess:
        assert self.hub is not None, "the site has not started"
        return self.hub

    @property
    def url(self) -> str:
        """The hub's base URL."""
        return self._hub().url

    @property
    def central_url(self) -> str | None:
        """The central server's base URL (None without one)."""
        return self.central.url if self.central is not None else None

    @property
    def tokens(self) -> dict[str, str]:
        """A token per role."""
        return self._hub().tokens

    def client(self, role: str = "admin", **kw: Any) -> HubClient:
        """A HubClient with this role's token."""
        return self._hub().client(role, **kw)

    def wait_synced(self, *, timeout: float = 15.0, since: float | None = None) -> bool:
        """Wait until everything the hub holds has reached the central server (True if so; `since`: of the
        dossiers, those submitted from then on)."""
        return self._hub().wait_synced(timeout=timeout, since=since)

    def synced(self) -> int:
        """Tickets plus dossiers of this site that the central server holds (0 without one)."""
        return self.central.synced(self.code) if self.central is not None else 0
