"""The device registry: when each device was last heard from, and which run of it left which fault.

Every device app sends a heartbeat (`POST /devices/heartbeat`) every few seconds: its token's name, the
kind of app, its version, its uptime and the id of its current run (`boot`, new at each process start).
The registry keeps the last one per (name, app) in memory and writes them to the `devices` table now
and then (`take_dirty`), so "last seen" survives a hub restart without a disk write per heartbeat.

Faults are the engine's (`device.fault` / `device.ok` events, ARCHITECTURE rule 2); the registry decides when
they end without the device saying so:
- a device's first heartbeat of a new run clears the faults that its earlier runs reported and that it
  does not list now (it restarted healthy: the technician fixed it);
- `clear` is the technician's `motcua faults clear` (an admin call), recorded as `device.ok` events.
A fault entry carries `by` (the reporting token's name) and `boot` (the reporting run) for this.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from motcua.clock import iso
from motcua.queue import Change, QueueEngine
from sync.hub.errors import ApiError
from sync.hub.models import DeviceHeartbeat
from sync.store import SiteStore
from sync.store.tables import HubTables, Op

log = logging.getLogger(__name__)

APP_ROLES: dict[str, frozenset[str]] = {
    "kiosk": frozenset({"kiosk"}), "board": frozenset({"board"}), "counter": frozenset({"counter", "bridge"}),
    "admin": frozenset({"kiosk", "board", "counter", "bridge"})}
"""Which kinds of app a token of each role may speak for."""
OVERLAP_SLACK_S = 10.0
"""A "new run" whose uptime exceeds the time since the old run's last beat by more than this overlapped it:
two devices share one token, and neither may clear the other's faults."""



@dataclass(slots=True)
class DeviceEntry:
    """The last heartbeat of one device app."""

    name: str
    role: str
    version: str | None
    boot: str | None
    uptime_s: float | None
    last_seen: float


def reporter(fault: dict[str, Any]) -> str:
    """The name of the device that reported a fault (faults from before the registry name the device only)."""
    return str(fault.get("by") or fault.get("device") or "")


class DeviceRegistry:
    """Last heartbeat per (token name, app) and the fault bookkeeping that hangs on it; used on the loop only."""

    def __init__(self, store: SiteStore, engine: QueueEngine, tz: ZoneInfo) -> None:
        self.store = store
        self.engine = engine
        self.tz = tz
        self.entries: dict[tuple[str, str], DeviceEntry] = {}
        self._dirty: set[tuple[str, str]] = set()

    def load(self) -> None:
        """Read the persisted registry (at hub start)."""
        self.entries = {(r["name"], r["role"]): DeviceEntry(**dict(r)) for r in self.store.tables.devices()}
        self._dirty.clear()

    # ------------------------------------------------------------------ heartbeats
    def heartbeat(self, *, name: str, token_role: str, beat: DeviceHeartbeat, now: float) -> list[Change]:
        """Record a heartbeat; the changes it implies (faults raised again or cleared by a restart)."""
        if beat.role not in APP_ROLES.get(token_role, frozenset()):
            raise ApiError(403, "forbidden", f"Mã thiết bị loại {token_role} không gửi được nhịp của {beat.role} / "
                                             f"a {token_role} token cannot send a {beat.role} heartbeat")
        key = (name, beat.role)
        old = self.entries.get(key)
        self.entries[key] = DeviceEntry(name, beat.role, beat.version or None, beat.boot, beat.uptime_s, now)
        self._dirty.add(key)
        listed = {(f.device or name): f for f in beat.faults or ()}
        changes: list[Change] = []
        if old is None or old.boot != beat.boot:
            if old is not None and beat.uptime_s > (now - old.last_seen) + OVERLAP_SLACK_S:
                log.warning("two devices send heartbeats with the token of %r (%s): give each its own token",
                            name, beat.role)
            else:
                changes += self._clear_stale_runs(name, beat.role, beat.boot, keep=set(listed))
        for device, f in listed.items():
            active = self.engine.device_faults.get(device)
            if active is None or active.get("fault") != f.fault:
                # The device still has it and the hub does not know: its report was lost, or a technician
                # cleared a fault that was not fixed.
                changes.append(self.engine.report_device(device=device, role=token_role, fault=f.fault,
                                                         message=f.message, extra={"by": name, "boot": beat.boot}))
        return changes

    def _clear_stale_runs(self, name: str, role: str, boot: str, *, keep: set[str]) -> list[Change]:
        # Another app under the same token name (a keypad bridge beside its counter panel) keeps its faults.
        siblings = {e.boot for e in self.entries.values() if e.name == name and e.role != role and e.boot}
        stale = [(device, f) for device, f in self.engine.device_faults.items()
                 if reporter(f) == name and device not in keep and f.get("boot") != boot
                 and f.get("boot") not in siblings]
        return [self._ok(device, f, cleared="restart", cleared_by=name) for device, f in stale]

    def _ok(self, device: str, fault: dict[str, Any], *, cleared: str, cleared_by: str) -> Change:
        log.info("fault of %s (%s) cleared: %s by %s", device, fault.get("fault"), cleared, cleared_by)
        return self.engine.report_device(device=device, role=str(fault.get("role") or ""), fault=None,
                                         extra={"by": reporter(fault), "cleared": cleared, "cleared_by": cleared_by,
                                                "was": fault.get("fault")})

    # ------------------------------------------------------------------ technician
    def clear(self, *, device: str | None, by: str) -> list[Change]:
        """Xoá sự cố: end the faults of a device (its name or its reporter's), or all of them (device=None)."""
        matches = [(d, f) for d, f in self.engine.device_faults.items()
                   if device is None or d == device or reporter(f) == device]
        if device is not None and not matches:
            raise ApiError(404, "no_active_fault", f"Thiết bị «{device}» không có sự cố nào / "
                                                   f"no active fault for {device!r}")
        return [self._ok(d, f, cleared="admin", cleared_by=by) for d, f in matches]

    # ------------------------------------------------------------------ views
    def view(self, now: float) -> list[dict[str, Any]]:
        """GET /devices: every device heard from (and every one with a fault), its last heartbeat and its faults."""
        faults = list(self.engine.device_faults.values())
        boots: dict[str, set[str | None]] = {}
        for e in self.entries.values():
            boots.setdefault(e.name, set()).add(e.boot)
        out = []
        for e in sorted(self.entries.values(), key=lambda e: (e.name, e.role)):
            mine = [f for f in faults if reporter(f) == e.name
                    and (f.get("boot") == e.boot or f.get("boot") not in boots[e.name])]
            out.append({"device": e.name, "role": e.role, "version": e.version, "last_seen": iso(e.last_seen, self.tz),
                        "age_s": round(max(0.0, now - e.last_seen), 1), "faults": mine})
        unheard: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for f in faults:
            if reporter(f) not in boots:
                unheard.setdefault((reporter(f), str(f.get("role") or "")), []).append(f)
        out += [{"device": name, "role": role, "version": None, "last_seen": None, "age_s": None, "faults": fs}
                for (name, role), fs in sorted(unheard.items())]
        return out

    # ------------------------------------------------------------------ persistence
    def take_dirty(self) -> tuple[set[tuple[str, str]], list[Op]]:
        """The heartbeats received since the last call, and the statements that write them (for the store's writer)."""
        keys, self._dirty = self._dirty, set()
        return keys, [HubTables.device_seen(e.name, e.role, e.version, e.boot, e.uptime_s, e.last_seen)
                      for e in (self.entries[k] for k in sorted(keys) if k in self.entries)]

    def restore_dirty(self, keys: Iterable[tuple[str, str]]) -> None:
        """Writing them failed: write these again next time."""
        self._dirty.update(keys)
