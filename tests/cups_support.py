"""A real CUPS server for tests: Debian's `cupsd` in the foreground on a loopback port, with its own folders
and one virtual printer whose backend writes each job's document to a file.

Why a backend of our own rather than CUPS's `file:` device: on a machine with only `cups-daemon` (no filter
package), a raw queue on a `file:` device completes its jobs without writing anything. The `vfile` backend is
a four-line shell script run by cupsd like any backend (as the `lp` user), so spooling, printer states and
job states are CUPS's own.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
LPADMIN = "/usr/sbin/lpadmin"
SYSTEM_SERVERBIN = Path("/usr/lib/cups")
BACKEND = """#!/bin/sh
# A virtual printer for tests: each job's document is copied to DEVICE_URI's path plus "-JOB.pdf".
if [ $# -eq 0 ]; then echo 'file vfile "Virtual file printer" "Virtual file printer"'; exit 0; fi
out="${DEVICE_URI#vfile:}"
if [ $# -ge 6 ]; then cat "$6" > "$out.tmp"; else cat > "$out.tmp"; fi && mv "$out.tmp" "$out-$1.pdf"
"""
CUPSD_CONF = """Listen 127.0.0.1:{port}
LogLevel info
DefaultAuthType None
WebInterface No
Browsing Off
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
"""
FILES_CONF = """ServerRoot {root}
ServerBin {root}/bin
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
"""


def available() -> str:
    """Why a CUPS server cannot run here ("" when it can)."""
    for tool in (CUPSD, LPADMIN):
        if not os.access(tool, os.X_OK):
            return f"{tool} is missing (Debian: cups-daemon, cups-client)"
    try:
        import cups  # noqa: F401
    except ImportError:
        return "pycups is missing (pip: pycups; Debian: libcups2-dev to build it)"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class CupsServer:
    """A running cupsd and where its virtual printers write."""

    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def out(self) -> Path:
        return self.root / "out"

    def start(self) -> None:
        for d in ("bin/backend", "spool", "cache", "state", "log", "out"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        self.out.chmod(0o777)  # the backend runs as lp
        for entry in SYSTEM_SERVERBIN.iterdir():
            if entry.name != "backend" and not (self.root / "bin" / entry.name).exists():
                (self.root / "bin" / entry.name).symlink_to(entry)
        backend = self.root / "bin" / "backend" / "vfile"
        backend.write_text(BACKEND, encoding="utf-8")
        backend.chmod(0o755)
        (self.root / "cupsd.conf").write_text(CUPSD_CONF.format(port=self.port), encoding="utf-8")
        (self.root / "cups-files.conf").write_text(FILES_CONF.format(root=self.root), encoding="utf-8")
        self.process = subprocess.Popen([CUPSD, "-f", "-c", str(self.root / "cupsd.conf"),
                                         "-s", str(self.root / "cups-files.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while True:  # cupsd is ready once it accepts connections
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    err = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(f"cupsd did not start: {err} {self.log()}") from None
                time.sleep(0.05)

    def add_queue(self, name: str) -> Path:
        """A raw queue on the virtual printer; returns the path prefix its jobs are written to."""
        target = self.out / name
        subprocess.run([LPADMIN, "-h", self.server, "-p", name, "-v", f"vfile:{target}", "-E", "-m", "raw"],
                       check=True, capture_output=True, timeout=20)
        return target

    def jobs_written(self, name: str) -> list[Path]:
        return sorted(self.out.glob(f"{name}-*.pdf"))

    def log(self) -> str:
        p = self.root / "log" / "error_log"
        return p.read_text(encoding="utf-8", errors="replace")[-2000:] if p.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


def start_cups(root: Path) -> CupsServer:
    """A cupsd in `root` on a free loopback port (its folders are made there; remove with shutil)."""
    server = CupsServer(root=root, port=free_port())
    server.start()
    return server


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
