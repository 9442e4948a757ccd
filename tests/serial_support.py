"""A serial cable for tests: a pty pair whose slave end is reached through a symlink, the path a device's config
names (as udev's /dev/serial/by-id links do); the test holds the master end, the far device."""
from __future__ import annotations

import os
import select
import time
import tty
from pathlib import Path


class PtyDevice:
    """The far end of a serial cable: a pty master; the device under test opens `path` (a link to the slave).

    `plug`/`unplug` act out a USB cable pulled and put back (the link goes, then points at a new pty).
    `hold_slave` keeps the slave open in the test too, so the pty outlives the device's own reopenings (a
    device that closes and reopens its port would otherwise see the pty vanish in between).
    """

    def __init__(self, path: Path, *, hold_slave: bool = False) -> None:
        self.path = path
        self.hold_slave = hold_slave
        self.master = -1
        self._slave = -1
        self.slave_name = ""
        self.plug()

    def plug(self) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)  # bytes as a CDC device sends them: no echo, no CR/LF translation
        self.slave_name = os.ttyname(slave)
        if self.hold_slave:
            self._slave = slave
        else:
            os.close(slave)
        self.path.unlink(missing_ok=True)
        self.path.symlink_to(self.slave_name)

    def unplug(self) -> None:
        self._close_fds()
        self.path.unlink(missing_ok=True)

    def write(self, data: bytes) -> None:
        """What the device sends down the cable (a scanned code, a key press)."""
        os.write(self.master, data)

    def read(self, n: int, timeout: float = 5.0) -> bytes:
        """Up to n bytes the device under test wrote, waiting at most `timeout` seconds for all of them."""
        out = b""
        deadline = time.monotonic() + timeout
        while len(out) < n and time.monotonic() < deadline:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if r:
                try:
                    out += os.read(self.master, n - len(out))
                except OSError:
                    time.sleep(0.01)
        return out

    def line(self, timeout: float = 5.0) -> bytes:
        """One CR LF-terminated line the device under test wrote (what was there when the time ran out)."""
        out = b""
        deadline = time.monotonic() + timeout
        while not out.endswith(b"\r\n") and time.monotonic() < deadline:
            out += self.read(1, timeout=deadline - time.monotonic())
        return out

    def read_available(self, timeout: float) -> bytes:
        """Whatever is waiting (one read), or b"" after `timeout` seconds."""
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return b""
        try:
            return os.read(self.master, 4096)
        except OSError:
            return b""

    def close(self) -> None:
        self._close_fds()
        self.path.unlink(missing_ok=True)

    def _close_fds(self) -> None:
        for fd in (self.master, self._slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self._slave = -1
