"""The hub as a device sees it: reachable, the token's role and counter against the device file, the
device file against the site, and the site's link to the province.

The checks run in order over one `HubContext`; each reads what the earlier ones found and returns its
lines (none when it does not apply). A new hub check is one function appended to `HUB_CHECKS`.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from diagnostics import texts
from diagnostics.causes import Cause, cause_in_text, cause_of, http_cause
from diagnostics.device_file import DeviceFile
from diagnostics.report import Check, Status
from diagnostics.texts import Text
from motcua import __version__

#: Slower than this on the local network is worth a look.
SLOW_MS = 200
#: Records waiting longer than this are worth a look (the link may be down).
BEHIND_MIN = 10


@dataclass
class HubContext:
    """What the hub checks share: where the hub is, the token, the device file, and what was found."""

    url: str
    token: str | None = None
    device: DeviceFile | None = None
    timeout_s: float = 5.0
    ca_file: str | None = None
    """The site CA for a hub on https:// (the device file's [hub] ca_file, or --ca-file)."""
    health: dict[str, Any] | None = None
    """GET /health, once the hub answered."""
    whoami: dict[str, Any] | None = None
    """GET /whoami: the token's role, name and counter."""
    token_ok: bool = False
    """The hub accepts the token (later checks may use it)."""
    site: dict[str, Any] | None = None
    """GET /site."""
    _client: Any = field(default=None, repr=False)

    @property
    def client(self) -> Any:
        """A HubClient with the token (made on first use)."""
        if self._client is None:
            from sync.client import HubClient

            ca = self.ca_file or (self.device.ca_file if self.device is not None else None)
            self._client = HubClient(self.url, self.token or "", timeout=self.timeout_s, ca_file=ca)
        return self._client

    @property
    def kind(self) -> str | None:
        """The device file's kind, when a device file was given."""
        return self.device.kind if self.device is not None else None

    def close(self) -> None:
        """Close the client's connections."""
        if self._client is not None:
            self._client.close()


def _unreachable(exc: BaseException) -> Cause:
    from sync.client import HubError

    if isinstance(exc, HubError):
        return http_cause(exc.status)
    return cause_of(exc.__cause__ or exc)


def _hub_advice(cause: Cause) -> Text:
    return {"refused": texts.FIX_HUB_REFUSED, "name": texts.FIX_HUB_NAME, "tls": texts.FIX_HUB_TLS,
            "untrusted": texts.FIX_HUB_CERT,
            "bad_url": texts.FIX_HUB_URL, "http_404": texts.FIX_HUB_URL}.get(cause.code, texts.FIX_HUB_NETWORK)


def check_hub_reachable(ctx: HubContext) -> list[Check]:
    """The hub answers /health, how fast, and runs the same release as this machine."""
    from sync.client import HubError, HubUnavailable

    # The best of three answers: the network's delay, not one hiccup of a busy machine (or a first connect).
    times: list[float] = []
    try:
        for _ in range(3):
            t0 = time.monotonic()
            health = ctx.client.health()
            times.append(time.monotonic() - t0)
    except (HubUnavailable, HubError) as exc:
        cause = _unreachable(exc)
        return [Check(texts.HUB, Status.FAIL, f"{ctx.url}: {cause.text}", _hub_advice(cause),
                      {"url": ctx.url, "cause": cause.code})]
    ms = round(min(times) * 1000)
    if not isinstance(health, dict) or "site" not in health:
        return [Check(texts.HUB, Status.FAIL, f"{ctx.url}: {texts.HUB_NOT_MOTCUA}", texts.FIX_HUB_URL, {"url": ctx.url})]
    ctx.health = health
    data = {"url": ctx.url, "health": health, "ms": ms}
    site = health.get("site")
    checks = [Check(texts.HUB, Status.OK, f"{ctx.url}: {texts.HUB_OK.format(site=site, ms=ms)}", data=data)
              if ms < SLOW_MS else
              Check(texts.HUB, Status.WARN, f"{ctx.url}: {texts.HUB_SLOW.format(site=site, ms=ms)}", texts.FIX_HUB_SLOW,
                    data)]
    if health.get("version") and health["version"] != __version__:
        checks.append(Check(texts.HUB, Status.WARN, texts.VERSIONS_DIFFER.format(hub=health["version"],
                                                                                ours=__version__),
                            texts.FIX_VERSIONS, {"hub": health["version"], "ours": __version__}))
    return checks


def _token_command(ctx: HubContext) -> str:
    role = ctx.kind if ctx.kind in ("kiosk", "board", "counter") else "ROLE"
    counter = ctx.device.counter if ctx.device is not None and ctx.kind == "counter" else None
    name = {"kiosk": "Ki-ốt 1", "board": "Màn hình sảnh 1", "counter": f"Quầy {counter or 1}"}.get(role, "…")
    cmd = f'motcua token create --db /var/lib/motcua/site.db --role {role} --name "{name}"'
    return cmd + (f" --counter {counter}" if counter else "")


#: The role a device file needs; other roles that still work there (with more power than needed).
_NEEDS: dict[str, tuple[str, frozenset[str], Text]] = {
    "kiosk": ("kiosk", frozenset(), texts.WHY_KIOSK),
    "counter": ("counter", frozenset(), texts.WHY_COUNTER),
    "board": ("board", frozenset({"kiosk", "counter"}), texts.WHY_BOARD),
}


def check_token(ctx: HubContext) -> list[Check]:
    """The hub knows the token, and its role and counter fit the device file."""
    from sync.client import HubError, HubUnavailable

    if ctx.health is None:
        return []
    if not ctx.token:
        if ctx.kind in _NEEDS:
            return [Check(texts.TOKEN, Status.FAIL, texts.TOKEN_MISSING, texts.FIX_TOKEN, command=_token_command(ctx))]
        return []
    try:
        # The checks report JSON (motcua diag --json): the typed answers as the JSON the hub sent.
        me = ctx.client.whoami().model_dump(mode="json", exclude_unset=True)
    except HubError as exc:
        if exc.status == 404:  # a hub from before /whoami: the sync call at least proves the token
            try:
                ctx.client.sync_status()
            except HubError as exc2:
                return [_refused(ctx, exc2)]
            ctx.token_ok = True
            return [Check(texts.TOKEN, Status.WARN, texts.TOKEN_NO_WHOAMI, texts.FIX_HUB_UPDATE)]
        return [_refused(ctx, exc)]
    except HubUnavailable as exc:
        cause = _unreachable(exc)
        return [Check(texts.TOKEN, Status.FAIL, cause.text, _hub_advice(cause), {"cause": cause.code})]
    ctx.whoami, ctx.token_ok = me, True
    role, counter = me.get("role"), me.get("counter")
    role_text = texts.ROLE.get(role or "", Text(str(role), str(role)))
    data = {"whoami": me}
    ok = (texts.TOKEN_OK_COUNTER.format(role=role_text, name=me.get("name"), counter=counter) if counter is not None
          else texts.TOKEN_OK.format(role=role_text, name=me.get("name")))
    kind = ctx.kind
    if kind not in _NEEDS:
        return [Check(texts.TOKEN, Status.OK, ok, data=data)]
    needed, tolerated, why = _NEEDS[kind]
    if role == "admin":
        return [Check(texts.TOKEN, Status.WARN, texts.TOKEN_ADMIN_ON.format(token=ok, why=texts.TOKEN_ADMIN),
                      texts.FIX_TOKEN_ADMIN, data,
                      command=_token_command(ctx))]
    if role != needed:
        wrong = texts.TOKEN_WRONG_ROLE.format(kind=texts.KIND[kind], role=role_text, why=why)
        level = Status.WARN if role in tolerated else Status.FAIL
        return [Check(texts.TOKEN, level, wrong, texts.FIX_TOKEN, data, command=_token_command(ctx))]
    device = ctx.device
    if kind == "counter" and counter is None and me.get("any_counter") is False:  # (None: a hub without the key)
        return [Check(texts.TOKEN, Status.FAIL, texts.TOKEN_NO_COUNTER, texts.FIX_TOKEN, data,
                      command=_token_command(ctx))]
    if kind == "counter" and counter is not None and device is not None:
        if device.counter is not None and counter != device.counter:
            return [Check(texts.TOKEN, Status.FAIL, texts.TOKEN_OTHER_COUNTER.format(bound=counter,
                                                                                     number=device.counter),
                          texts.FIX_TOKEN, data, command=_token_command(ctx))]
        others = [n for n in device.acts_for if n != counter]
        if others:
            return [Check(texts.TOKEN, Status.FAIL, texts.TOKEN_KEYPAD_COUNTERS.format(
                counters=", ".join(map(str, device.acts_for)), bound=counter), texts.FIX_TOKEN, data)]
    return [Check(texts.TOKEN, Status.OK, ok, data=data)]


def _refused(ctx: HubContext, exc: Any) -> Check:
    revoked = exc.code == "revoked"
    detail = texts.TOKEN_REVOKED if revoked else texts.TOKEN_UNKNOWN if exc.status == 401 else http_cause(exc.status).text
    return Check(texts.TOKEN, Status.FAIL, detail, texts.FIX_TOKEN, {"status": exc.status, "code": exc.code},
                 command=_token_command(ctx))


def check_device_against_site(ctx: HubContext) -> list[Check]:
    """The counters and services the device file names exist at the hub's site."""
    from sync.client import HubError, HubUnavailable

    device = ctx.device
    if not ctx.token_ok or device is None or device.kind not in ("counter", "board"):
        return []
    try:
        ctx.site = site = ctx.client.site().model_dump(mode="json", exclude_unset=True)
    except (HubError, HubUnavailable) as exc:
        cause = _unreachable(exc)
        return [Check(texts.SITE_MATCH, Status.FAIL, cause.text, _hub_advice(cause))]
    code = site.get("site", {}).get("code")
    counters = sorted(c["number"] for c in site.get("counters", []))
    services = [s["code"] for s in site.get("services", [])]
    problems: list[Text] = []
    for n in sorted({*device.acts_for, *device.shows}):
        if n not in counters:
            problems.append(texts.NO_COUNTER.format(site=code, number=n, known=_span(counters)))
    for s in device.services:
        if s not in services:
            problems.append(texts.NO_SERVICE.format(site=code, code=s, known=", ".join(services)))
    if problems:
        return [Check(texts.SITE_MATCH, Status.FAIL, p, texts.FIX_SITE_MATCH) for p in problems]
    return [Check(texts.SITE_MATCH, Status.OK, texts.SITE_MATCH_OK.format(site=code))]


def _span(numbers: list[int]) -> str:
    if numbers and numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(map(str, numbers))


#: The central server's refusals need a person; the advice says which setting.
_CENTRAL_ADVICE = {"http_401": texts.FIX_CENTRAL_TOKEN, "http_403": texts.FIX_CENTRAL_SITE,
                   "http_404": texts.FIX_CENTRAL_URL, "bad_url": texts.FIX_CENTRAL_URL,
                   "untrusted": texts.FIX_CENTRAL_CERT}


def check_sync(ctx: HubContext) -> list[Check]:
    """The hub's link to the province: refused (401/403/404) is a failure; an outage a warning."""
    from sync.client import HubError, HubUnavailable

    if not ctx.token_ok:
        return []
    try:
        st = ctx.client.sync_status().model_dump(mode="json", exclude_unset=True)
    except (HubError, HubUnavailable) as exc:
        cause = _unreachable(exc)
        return [Check(texts.SYNC, Status.FAIL, cause.text, _hub_advice(cause))]
    backlog = st.get("backlog", 0)
    error = (st.get("last_error") or {}).get("message") if st.get("state") == "retrying" else None
    if st.get("state") == "disabled":
        return [Check(texts.SYNC, Status.WARN, texts.SYNC_OFF, texts.FIX_SYNC_OFF, st)]
    if st.get("state") == "refused":  # another database syncs for this site (sync.central's identity check)
        return [Check(texts.SYNC, Status.FAIL, texts.SYNC_OTHER_DATABASE.format(backlog=backlog),
                      texts.FIX_SYNC_OTHER_DATABASE, {**st, "cause": "site_identity"})]
    if error:
        cause = cause_in_text(error) or Cause("other", Text(error, error))
        if cause.code in _CENTRAL_ADVICE:
            return [Check(texts.SYNC, Status.FAIL, texts.SYNC_REFUSED.format(cause=cause.text),
                          _CENTRAL_ADVICE[cause.code], {**st, "cause": cause.code})]
        return [Check(texts.SYNC, Status.WARN, texts.SYNC_DOWN.format(cause=cause.text, backlog=backlog),
                      texts.FIX_SYNC_DOWN, {**st, "cause": cause.code})]
    if st.get("dead_letters"):
        return [Check(texts.SYNC, Status.WARN, texts.SYNC_DEAD.format(n=st["dead_letters"]), texts.FIX_SYNC_DEAD, st)]
    minutes = int((st.get("oldest_unsent_age_s") or 0) // 60)
    if backlog and minutes >= BEHIND_MIN:
        return [Check(texts.SYNC, Status.WARN, texts.SYNC_BEHIND.format(backlog=backlog, minutes=minutes),
                      texts.FIX_SYNC_DOWN, st)]
    return [Check(texts.SYNC, Status.OK, texts.SYNC_OK.format(backlog=backlog), data=st)]


def _age(seconds: float) -> Text:
    minutes = int(seconds // 60)
    if minutes < 120:
        return Text(f"{minutes} phút", f"{minutes} min")
    return Text(f"{minutes // 60} giờ", f"{minutes // 60} h")


def check_devices(ctx: HubContext) -> list[Check]:
    """When each device last told the hub it is alive (heartbeats), and the faults they have now."""
    from sync.client import STALE_AFTER_S, HubAuthError, HubError, HubUnavailable

    if not ctx.token_ok:
        return []
    try:
        devices = [d.model_dump(mode="json", exclude_unset=True) for d in ctx.client.devices()]
    except HubAuthError:
        return [Check(texts.DEVICES, Status.SKIP, texts.DEVICES_NEED_STAFF)]
    except (HubError, HubUnavailable) as exc:
        cause = _unreachable(exc)
        return [Check(texts.DEVICES, Status.FAIL, cause.text, _hub_advice(cause))]
    if not devices:
        return [Check(texts.DEVICES, Status.WARN, texts.DEVICES_NONE, texts.FIX_DEVICE_STALE)]
    out: list[Check] = []
    for d in devices:
        where = {"device": d["device"], "role": d["role"]}
        if d.get("age_s") is not None and d["age_s"] > STALE_AFTER_S:
            out.append(Check(texts.DEVICES, Status.WARN, texts.DEVICE_STALE.format(age=_age(d["age_s"]), **where),
                             texts.FIX_DEVICE_STALE, d))
        if d.get("faults"):
            kinds = ", ".join(str(f.get("fault")) for f in d["faults"])
            out.append(Check(texts.DEVICES, Status.WARN, texts.DEVICE_FAULT.format(faults=kinds, **where),
                             texts.FIX_DEVICE_FAULT, d, command="motcua faults list"))
    return out or [Check(texts.DEVICES, Status.OK, texts.DEVICES_OK.format(n=len(devices)), data={"devices": devices})]


HubCheck = Callable[[HubContext], list[Check]]

#: In order; each sees what the earlier ones put in the context. Append new hub checks here.
HUB_CHECKS: list[HubCheck] = [
    check_hub_reachable,
    check_token,
    check_device_against_site,
    check_sync,
    check_devices,
]


def run_hub_checks(ctx: HubContext, checks: list[HubCheck] | None = None) -> list[Check]:
    """Every hub check in order; none after the hub turned out unreachable."""
    from diagnostics.report import _check

    out: list[Check] = []
    try:
        for fn in HUB_CHECKS if checks is None else checks:
            out += _check(texts.HUB, lambda fn=fn: fn(ctx))  # type: ignore[misc]
            if ctx.health is None:
                break
    finally:
        ctx.close()
    return out
