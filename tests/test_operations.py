"""The README's operations chapter ("Vận hành / Operations"), followed on a clean machine.

`install.sh --role ... --root DIR` lays every role's units, users, folders and configuration into a
temporary root that holds only the operating system's own systemd units (as a fresh Debian has them);
`systemd-analyze verify --root` checks the units there. Then the chapter's commands run as the units run
them (their ExecStart, Environment and EnvironmentFile, with the root's paths): a hub and its central
server, tickets and a dossier with files, a backup while the hub runs, the old machine wiped, the backup
restored on a new one, and the same tickets, dossier and files served again.

Needs root and systemd's tools (systemd-sysusers, systemd-tmpfiles, systemctl, systemd-analyze), as CI has
them: it creates users in the temporary root's /etc/passwd and gives files to them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support import wait_until

from sync.server import free_port

REPO = Path(__file__).resolve().parent.parent
MOTCUA = REPO / ".venv" / "bin" / "motcua"
ROLES = ("hub", "kiosk", "board", "counter", "counter-bridge", "central")
SERVICE_USER = {"hub": "motcua", "central": "motcua-central", "kiosk": "kiosk", "board": "board", "counter": "counter",
                "counter-bridge": "counter"}
GUI = ("kiosk", "board", "counter")
TOOLS = ("systemd-analyze", "systemd-sysusers", "systemd-tmpfiles", "systemctl")
THURSDAY_MORNING = "2026-11-26T09:00:00+07:00"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in TOOLS) or not MOTCUA.exists(),
    reason="needs root, systemd's tools and the .venv (CI has them): the roles' users and file owners are real")


# ------------------------------------------------------------------------------------------------ helpers
def clean_machine(root: Path) -> Path:
    """A root with the operating system's own units only (sysinit.target, network-online.target, ...)."""
    seen = set()
    for d in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")):
        if d.is_dir() and d.resolve() not in seen:
            seen.add(d.resolve())
            shutil.copytree(d, root / d.relative_to("/"), symlinks=True)
    return root


def install(root: Path, *roles: str, prefix: Path | str = REPO) -> subprocess.CompletedProcess[str]:
    """`install.sh --role R ... --root ROOT --prefix PREFIX`, as the chapter says (with --root for the test)."""
    args = [str(REPO / "install.sh"), *[x for r in roles for x in ("--role", r)], "--root", str(root),
            "--prefix", str(prefix)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}} (keys such as Environment= may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            words = shlex.split(value)
            env[key.strip()] = " ".join(words)
    return env


def passwd(root: Path) -> dict[str, tuple[int, int, str]]:
    """user -> (uid, gid, home) in the root's /etc/passwd."""
    out = {}
    for line in (root / "etc/passwd").read_text().splitlines():
        name, _, uid, gid, _, home, _ = line.split(":")
        out[name] = (int(uid), int(gid), home)
    return out


def groups(root: Path) -> dict[str, tuple[int, set[str]]]:
    out = {}
    for line in (root / "etc/group").read_text().splitlines():
        name, _, gid, members = line.split(":")
        out[name] = (int(gid), set(filter(None, members.split(","))))
    return out


def in_root(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def unit_command(root: Path, unit: str, *, port: int | None = None) -> tuple[list[str], dict[str, str], Path]:
    """argv, environment and working folder of a unit's ExecStart, as systemd would run it, with the root's paths."""
    u = read_unit(root / "etc/systemd/system" / unit)["Service"]
    env: dict[str, str] = {}
    for assignment in u.get("Environment", []):
        for word in shlex.split(assignment):
            k, _, v = word.partition("=")
            env[k] = v
    for ef in u.get("EnvironmentFile", []):
        f = in_root(root, ef.lstrip("-"))
        if f.exists():
            env.update(read_env_file(f))
    argv: list[str] = []
    for word in shlex.split(u["ExecStart"][0]):
        whole = re.fullmatch(r"\$([A-Za-z_]\w*)", word)
        if whole:  # systemd splits an unbraced $VAR into words
            argv.extend(env.get(whole.group(1), "").split())
            continue
        word = re.sub(r"\$\{([A-Za-z_]\w*)\}", lambda m: env.get(m.group(1), ""), word)
        argv.append(str(in_root(root, word)) if word.startswith(("/etc/motcua", "/var/")) else word)
    if port is not None:
        argv[argv.index("--port") + 1] = str(port)
    if "--host" in argv:
        argv[argv.index("--host") + 1] = "127.0.0.1"
    elif argv[1:2] == ["hub"]:
        argv += ["--host", "127.0.0.1"]  # the unit listens on every address; a test, on loopback only
    cwd = Path(u["WorkingDirectory"][0])
    return argv, env, cwd if cwd.exists() else in_root(root, str(cwd))


class Processes:
    """Processes started as their units start them, stderr to a file the test reads as the journal."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], env: dict[str, str], cwd: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.tmp / f"{name}-{len(self.procs)}.journal"
        f = open(log, "wb")  # noqa: SIM115 - the child keeps it
        st = os.fstat(f.fileno())
        full = {k: v for k, v in os.environ.items() if k not in ("JOURNAL_STREAM", "MOTCUA_LOG_LEVEL")}
        # As under systemd: stderr is the journal's stream, and the process is told so.
        full |= env | {"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}
        p = subprocess.Popen(argv, stdout=f, stderr=f, env=full, cwd=cwd)
        f.close()
        self.procs.append(p)
        return p, log

    def stop(self, p: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        p.send_signal(sig)
        return p.wait(timeout)

    def stop_server(self, p: subprocess.Popen[bytes], log: Path) -> None:
        """Stop a hub or central server as systemd does (SIGTERM) and check it shut down in order."""
        code = self.stop(p)
        # uvicorn re-raises SIGTERM after its graceful shutdown; systemd counts that exit as clean.
        assert code in (0, -signal.SIGTERM), code
        assert "Application shutdown complete." in log.read_text()

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    ps = Processes(tmp_path)
    yield ps
    ps.close()


def motcua(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MOTCUA), *args], capture_output=True, text=True, timeout=120)


def wait_healthy(url: str, p: subprocess.Popen[bytes], log: Path) -> None:
    def up() -> bool:
        assert p.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            return requests.get(f"{url}/api/v1/health", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    wait_until(up, timeout=60)


def snapshot(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every file install.sh made: mode, owner, group and content (or link target)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if rel.startswith(("usr/", "lib/", "bin/", "opt/")):
            continue
        st = p.lstat()
        what = os.readlink(p) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        out[rel] = (st.st_mode, st.st_uid, st.st_gid, what)
    return out


# ------------------------------------------------------------------------------------------------ install
def test_install_every_role_then_verify_its_units(tmp_path: Path) -> None:
    root = clean_machine(tmp_path / "machine")
    prefix = "/opt/motcua-edge"
    install(root, *ROLES, prefix=prefix)
    users, grp = passwd(root), groups(root)

    # Users and their groups: what each role's devices need, no more.
    for role, user in SERVICE_USER.items():
        assert user in users, role
    members = {g: m for g, (_, m) in grp.items()}
    for g in ("video", "render", "input", "audio", "lp", "dialout", "plugdev"):
        assert "kiosk" in members[g] and "counter" in members[g], g
    assert {g for g, m in members.items() if "board" in m} == {"video", "render", "input", "audio"}
    assert not any(u in m for m in members.values() for u in ("motcua", "motcua-central"))
    assert users["motcua"][2] == "/var/lib/motcua" and users["kiosk"][2] == "/var/lib/motcua-kiosk"

    # Folders: the roles' state belongs to their user, 0700; configuration is root's, readable by the role's group.
    def owner(path: str) -> tuple[int, int, int]:
        st = in_root(root, path).stat()
        return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)

    motcua_ids = users["motcua"][:2]
    assert owner("/var/lib/motcua") == (*motcua_ids, 0o700)
    assert owner("/var/lib/motcua/backups") == (*motcua_ids, 0o700)
    assert owner("/etc/motcua") == (0, 0, 0o755)
    for role in GUI:
        ids = users[SERVICE_USER[role]][:2]
        assert owner(f"/var/lib/motcua-{role}") == (*ids, 0o700)
        assert owner(f"/var/cache/motcua-{role}") == (*ids, 0o700)
    assert owner("/var/lib/motcua-central") == (*users["motcua-central"][:2], 0o700)
    configs = {"hub": "site.toml", "kiosk": "kiosk.toml", "board": "board.toml", "counter": "counter.toml",
               "counter-bridge": "counter-bridge.toml"}
    for role, name in configs.items():
        gid = users[SERVICE_USER[role]][1]
        assert owner(f"/etc/motcua/{name}") == (0, gid, 0o640), name
        assert owner(f"/etc/motcua/{role}.env") == (0, gid, 0o640), role
    assert in_root(root, "/etc/motcua/site.toml").read_bytes() == (REPO / "assets/site.example.toml").read_bytes()

    # The units: the journal as log, private files, restarts, the right user, what they start exists.
    units = root / "etc/systemd/system"
    for role in ROLES:
        name = f"motcua-{role}.service"
        s = read_unit(units / name)["Service"]
        assert s["StandardOutput"] == ["journal"] and s["StandardError"] == ["journal"], name
        assert s["UMask"] == ["0077"] and s["Restart"] == ["always"] and s["User"] == [SERVICE_USER[role]], name
        assert s["EnvironmentFile"] == [f"-/etc/motcua/{role}.env"], name
        argv = shlex.split(s["ExecStart"][0])
        if role in GUI:
            assert argv[:3] == ["/usr/bin/xinit", f"{prefix}/.venv/bin/motcua", role], name
            assert s["TTYPath"] == ["/dev/tty1"] and s["PAMName"] == ["login"], name
        else:
            assert argv[0] == f"{prefix}/.venv/bin/motcua", name
        if "--config" in argv:
            assert in_root(root, argv[argv.index("--config") + 1]).is_file(), name
        assert (units / read_unit(units / name)["Install"]["WantedBy"][0].replace(".target", ".target.wants")
                / name).is_symlink(), f"{name} is not enabled"
    hub = read_unit(units / "motcua-hub.service")["Service"]
    assert hub["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert "--headless" in read_unit(units / "motcua-counter-bridge.service")["Service"]["ExecStart"][0]
    assert (units / "timers.target.wants/motcua-backup.timer").is_symlink()
    assert not (units / "multi-user.target.wants/motcua-backup.service").exists()

    # systemd's own check against this root. What a real machine has besides these units: the program
    # (a copy of the console script, at the prefix) and kill; xinit where it is installed (this test
    # machine has no X server: a stand-in file carries its name).
    bin_ = in_root(root, f"{prefix}/.venv/bin")
    bin_.mkdir(parents=True)
    shutil.copy2(MOTCUA, bin_ / "motcua")
    (root / "bin").mkdir()
    shutil.copy2(shutil.which("kill") or "/bin/kill", root / "bin/kill")
    (root / "usr/bin").mkdir(parents=True)
    if Path("/usr/bin/xinit").exists():
        shutil.copy2("/usr/bin/xinit", root / "usr/bin/xinit")
    else:
        (root / "usr/bin/xinit").write_text("#!/bin/sh\nexit 1\n")
        (root / "usr/bin/xinit").chmod(0o755)
    names = sorted(p.name for p in units.glob("motcua-*"))
    assert len(names) == 8
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={root}", *names],
                          capture_output=True, text=True, timeout=120)
    # Warnings (an unknown key, a bad value) do not change the exit status: any output is a failure.
    assert proc.returncode == 0 and proc.stdout + proc.stderr == "", proc.stdout + proc.stderr

    # Again: nothing changes, and what the technician edited stays as it is.
    before = snapshot(root)
    install(root, *ROLES, prefix=prefix)
    assert snapshot(root) == before
    kiosk_toml = in_root(root, "/etc/motcua/kiosk.toml")
    kiosk_toml.write_text(kiosk_toml.read_text().replace("kiosk_REPLACE_WITH_THE_TOKEN", "kiosk_the_real_one"))
    edited = kiosk_toml.read_bytes()
    install(root, "kiosk", prefix=prefix)
    assert kiosk_toml.read_bytes() == edited and owner("/etc/motcua/kiosk.toml")[2] == 0o640


def test_a_bridge_only_machine_gets_the_serial_ports_only(tmp_path: Path) -> None:
    root = clean_machine(tmp_path / "machine")
    install(root, "counter-bridge")
    members = {g: m for g, (_, m) in groups(root).items()}
    assert {g for g, m in members.items() if "counter" in m} == {"dialout"}
    assert not (root / "etc/systemd/system/motcua-kiosk.service").exists()


def test_install_refuses_what_it_does_not_know(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(REPO / "install.sh"), *args], capture_output=True, text=True, timeout=60)

    bad = run("--role", "printer", "--root", str(tmp_path))
    assert bad.returncode == 2 and "unknown role 'printer'" in bad.stderr
    alone = run("--root", str(tmp_path))
    assert alone.returncode == 2 and "go with --role" in alone.stderr
    assert not any(tmp_path.iterdir())


# ------------------------------------------------------------------------------------------------ the chapter
def test_backup_wipe_restore_on_new_hardware_serves_the_same_tickets_and_files(
        tmp_path: Path, processes: Processes) -> None:
    # The province's central server on its own machine (not started yet: the hub works offline, catches up later).
    province = clean_machine(tmp_path / "province")
    install(province, "central")
    old = clean_machine(tmp_path / "old")
    install(old, "hub")
    hub_port, central_port = free_port(), free_port()
    central_db = in_root(province, "/var/lib/motcua-central/central.db")
    made = motcua("central", "token", "create", "--db", str(central_db), "--site", "BNI-TTHCC")
    assert made.returncode == 0, made.stderr
    central_token = made.stdout.split()[-1]
    env_file = in_root(old, "/etc/motcua/hub.env")
    env_file.write_text(env_file.read_text().replace(
        "MOTCUA_HUB_OPTS=", f'MOTCUA_HUB_OPTS="--central http://127.0.0.1:{central_port} --central-token {central_token}"'))

    db = in_root(old, "/var/lib/motcua/site.db")
    tokens = {}

    def start_hub(root: Path) -> tuple[subprocess.Popen[bytes], Path, str]:
        argv, env, cwd = unit_command(root, "motcua-hub.service", port=hub_port)
        # Test knobs: a Thursday morning inside opening hours, whenever CI runs; retries of the sync at
        # least every second once the central server is back.
        p, log = processes.start([*argv, "--clock-start", THURSDAY_MORNING, "--sync-backoff-max", "1"], env, cwd, "hub")
        url = f"http://127.0.0.1:{hub_port}"
        wait_healthy(url, p, log)
        return p, log, url

    hub, hub_log, url = start_hub(old)
    # Tokens once the hub made its database (token create refuses a database that does not exist).
    for role in ("kiosk", "admin"):
        out = motcua("token", "create", "--db", str(db), "--role", role, "--name", f"{role} 1")
        assert out.returncode == 0, out.stderr
        tokens[role] = out.stdout.split()[-1]
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {tokens['kiosk']}"
    ids = [s.post(f"{url}/api/v1/tickets", json={"service": code}, timeout=10).json()["id"]
           for code in ("DD", "DD", "TPHT")]
    called = requests.post(f"{url}/api/v1/counters/1/next", headers={"Authorization": f"Bearer {tokens['admin']}"},
                           timeout=10)
    assert called.status_code == 200
    files = [os.urandom(150_000), os.urandom(20_000)]
    refs = []
    for i, data in enumerate(files):
        sha = hashlib.sha256(data).hexdigest()
        assert s.put(f"{url}/api/v1/files/{sha}", data=data, timeout=10).status_code == 201
        refs.append({"sha256": sha, "name": f"trang-{i + 1}.jpg", "mime": "image/jpeg"})
    dossier = s.post(f"{url}/api/v1/dossiers", timeout=10, json={
        "id": str(uuid.uuid4()), "procedure": "DD.03", "files": refs,
        "applicant": {"name": "Trần Văn Bình", "id_number": "001203004567", "phone": "0987654321"}}).json()
    tickets = {i: s.get(f"{url}/api/v1/tickets/{i}", timeout=10).json() for i in ids}
    before = s.get(f"{url}/api/v1/dossiers/{dossier['id']}", timeout=10).json()
    assert tickets[ids[0]]["status"] == "called" and before["provisional"]

    # The journal has the hub's lines with their priorities, uvicorn's among them.
    assert "<6>INFO uvicorn.error: " in hub_log.read_text() and "<6>INFO sync.hub.service: loaded day" in hub_log.read_text()

    # Nightly backup, while the hub runs: the backup unit's own command.
    argv, env, cwd = unit_command(old, "motcua-backup.service")
    took = subprocess.run(argv, env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert took.returncode == 0, took.stderr
    [backup] = in_root(old, "/var/lib/motcua/backups").iterdir()
    assert motcua("backup", "verify", str(backup)).returncode == 0

    # A restore never replaces the database under a running hub.
    refused = motcua("restore", "--from", str(backup), "--db", str(db))
    assert refused.returncode == 1 and "systemctl stop motcua-hub" in refused.stderr
    processes.stop_server(hub, hub_log)

    # The old machine is gone; the backup went to a USB disk, the configuration too.
    usb = tmp_path / "usb"
    shutil.copytree(backup, usb / backup.name)
    shutil.copytree(in_root(old, "/etc/motcua"), usb / "etc-motcua")
    shutil.rmtree(old)

    new = clean_machine(tmp_path / "new")
    install(new, "hub")
    for f in (usb / "etc-motcua").iterdir():
        shutil.copy2(f, in_root(new, f"/etc/motcua/{f.name}"))
    new_db = in_root(new, "/var/lib/motcua/site.db")
    restored = motcua("restore", "--from", str(usb / backup.name), "--db", str(new_db))
    assert restored.returncode == 0, restored.stderr
    # Quieter logs on the new machine: the level comes from the role's environment file.
    env_file = in_root(new, "/etc/motcua/hub.env")
    env_file.write_text(env_file.read_text().replace("MOTCUA_LOG_LEVEL=info", "MOTCUA_LOG_LEVEL=warning"))
    hub, hub_log, url = start_hub(new)

    # The same tickets, the same dossier, the same files byte for byte; the devices' tokens still work.
    for i in ids:
        assert s.get(f"{url}/api/v1/tickets/{i}", timeout=10).json() == tickets[i]
    assert s.get(f"{url}/api/v1/dossiers/{dossier['id']}", timeout=10).json() == before
    for data in files:
        sha = hashlib.sha256(data).hexdigest()
        assert (Path(str(new_db) + ".blobs") / sha[:2] / sha).read_bytes() == data

    # The central server comes up: the hub sends the dossier and its files from the restored folder, and
    # the server (which checks each file's sha256) has them.
    argv, env, cwd = unit_command(province, "motcua-central.service", port=central_port)
    central, central_log = processes.start(argv, env, cwd, "central")
    wait_healthy(f"http://127.0.0.1:{central_port}", central, central_log)
    wait_until(lambda: not s.get(f"{url}/api/v1/dossiers/{dossier['id']}", timeout=10).json()["provisional"],
               timeout=60)
    exported = motcua("central", "export", "--db", str(central_db), "--kind", "dossiers")
    [row] = [json.loads(x) for x in exported.stdout.splitlines()]
    assert row["id"] == dossier["id"] and row["files"] == [r["sha256"] for r in refs]
    for data in files:
        sha = hashlib.sha256(data).hexdigest()
        assert (Path(str(central_db) + ".blobs") / sha[:2] / sha).read_bytes() == data
    assert "<6>" not in hub_log.read_text(), "MOTCUA_LOG_LEVEL=warning: no info lines"
    processes.stop(hub)
    processes.stop_server(central, central_log)


def test_the_counter_bridge_unit_logs_at_its_level_and_stops_cleanly(tmp_path: Path, processes: Processes) -> None:
    root = clean_machine(tmp_path / "machine")
    install(root, "counter-bridge")
    config = in_root(root, "/etc/motcua/counter-bridge.toml")
    # A keypad that is not plugged in, a hub that is not there: the bridge keeps trying and says so.
    config.write_text(config.read_text().replace("http://127.0.0.1:8470", f"http://127.0.0.1:{free_port()}")
                      + f'\n[keypad]\nport = "{tmp_path / "ttyUSB-unplugged"}"\n')
    argv, env, cwd = unit_command(root, "motcua-counter-bridge.service")
    p, log = processes.start(argv, env, cwd, "bridge")
    wait_until(lambda: "<6>INFO counter_display.hardware: keypad" in log.read_text(), timeout=30)
    kill = read_unit(root / "etc/systemd/system/motcua-counter-bridge.service")["Service"]["KillSignal"][0]
    assert processes.stop(p, getattr(signal, kill)) == 0
    assert "Traceback" not in log.read_text()

    env_file = in_root(root, "/etc/motcua/counter-bridge.env")
    env_file.write_text(env_file.read_text().replace("MOTCUA_LOG_LEVEL=info", "MOTCUA_LOG_LEVEL=warning"))
    argv, env, cwd = unit_command(root, "motcua-counter-bridge.service")
    p, log = processes.start(argv, env, cwd, "bridge")
    wait_until(lambda: "<4>WARNING " in log.read_text(), timeout=30)
    assert "<6>" not in log.read_text()
    assert processes.stop(p, getattr(signal, kill)) == 0

