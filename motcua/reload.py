"""Nạp lại cấu hình: what of an edited site file the hub may take while it runs, and what needs a restart.

Live: opening hours, texts, quotas and the other per-service knobs (names, weight, expected service time),
counters' names, services and policy, priority categories, queue settings, the center's names and public
address, file retention, personal-data retention and look-up limits ([privacy]), the receiving accounts for
fees (each fee QR is made from the accounts of the moment it is shown: a new account applies to the next
citizen; a QR already on a screen or a slip names the old account, which still belongs to the agency). Not
live: the site's code and time zone, services or counters added or removed, a service's numbering (first
number, prefix, digits), the central server's address or token — the day's numbering, queues and counters,
the database and the relay are keyed by them. A reload with any of those is refused as a whole: the running
configuration stays, and the refusal says what to restart for.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from motcua.config import SiteConfig

NUMBERING = ("first_number", "prefix", "digits")


@dataclass(frozen=True, slots=True)
class ReloadPlan:
    """The difference between the running site file and the edited one."""

    changed: list[str] = field(default_factory=list)
    """What changed and applies live, e.g. "hours", "display", "services.DD.daily_quota"."""
    refused: list[str] = field(default_factory=list)
    """What changed and cannot apply without a restart (English, for the log and the API message)."""

    @property
    def ok(self) -> bool:
        """True when the edited file may replace the running one."""
        return not self.refused


def plan(old: SiteConfig, new: SiteConfig) -> ReloadPlan:
    """Compare the running configuration with a freshly read one."""
    changed: list[str] = []
    refused: list[str] = []
    for key in ("code", "timezone"):
        if getattr(old.site, key) != getattr(new.site, key):
            refused.append(f"site.{key} {getattr(old.site, key)!r} → {getattr(new.site, key)!r}")
    if old.site != new.site and not any(r.startswith("site.") for r in refused):
        changed.append("site")
    old_svc = {s.code: s for s in old.services}
    new_svc = {s.code: s for s in new.services}
    if added := [c for c in new_svc if c not in old_svc]:
        refused.append(f"services added: {', '.join(added)}")
    if removed := [c for c in old_svc if c not in new_svc]:
        refused.append(f"services removed: {', '.join(removed)}")
    for code in (c for c in new_svc if c in old_svc):
        a, b = old_svc[code].model_dump(), new_svc[code].model_dump()
        for key in a:
            if a[key] != b[key]:
                if key in NUMBERING:
                    refused.append(f"services.{code}.{key} (numbering) {a[key]!r} → {b[key]!r}")
                else:
                    changed.append(f"services.{code}.{key}")
    if [s.code for s in old.services] != [s.code for s in new.services] and not (added or removed):
        changed.append("services (order)")
    old_ctr = {c.number: c for c in old.counters}
    new_ctr = {c.number: c for c in new.counters}
    if added_c := [str(n) for n in new_ctr if n not in old_ctr]:
        refused.append(f"counters added: {', '.join(added_c)}")
    if removed_c := [str(n) for n in old_ctr if n not in new_ctr]:
        refused.append(f"counters removed: {', '.join(removed_c)}")
    changed.extend(f"counters.{n}" for n in new_ctr if n in old_ctr and old_ctr[n] != new_ctr[n])
    for key in ("url", "token", "ca_file", "allow_insecure"):
        if getattr(old.central, key) != getattr(new.central, key):
            refused.append(f"central.{key} (the sync link)")
    for section in ("tls", "public"):  # certificates and listeners are set up once, at start
        if getattr(old, section) != getattr(new, section):
            refused.append(f"{section} (the hub's listeners)")
    if old.central.file_retention_days != new.central.file_retention_days:
        changed.append("central.file_retention_days")
    # limits: what one device or address may take of the hub ([limits]), read per request or reconfigured.
    for section in ("hours", "queue", "display", "priority_categories", "limits", "payment_accounts", "privacy",
                    "ratings"):
        if getattr(old, section) != getattr(new, section):
            changed.append(section)
    return ReloadPlan(changed=changed, refused=refused)
