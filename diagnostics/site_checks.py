"""A site file as the hub sees it, its database, and whether the province's server accepts the site."""
from __future__ import annotations

from pathlib import Path

from diagnostics import texts
from diagnostics.causes import cause_of, http_cause
from diagnostics.report import Check, Status
from motcua.config import SiteConfig
from sync.check_config import Finding, check_database, check_site_file

#: The central server's refusals and what to change.
_ADVICE = {"http_401": texts.FIX_CENTRAL_TOKEN, "http_403": texts.FIX_CENTRAL_SITE, "http_404": texts.FIX_CENTRAL_URL,
           "bad_url": texts.FIX_CENTRAL_URL, "untrusted": texts.FIX_CENTRAL_CERT}


def _as_check(f: Finding) -> Check:
    return Check(f.name, Status(f.level), f.detail, f.advice, f.data)


def check_site(path: Path, db: Path | None = None, *, timeout_s: float = 5.0) -> list[Check]:
    """The site file through the hub's loader, the database read-only, and the central server's answer."""
    config, findings = check_site_file(path)
    checks = [_as_check(f) for f in findings]
    if db is not None:
        checks += [_as_check(f) for f in check_database(db)]
    if config is not None and config.central.url:
        ca = config.central.ca_file
        ca_file = str(path.resolve().parent / Path(ca).expanduser()) if ca else None  # as the hub resolves it
        checks.append(check_central(config, timeout_s=timeout_s, ca_file=ca_file))
    return checks


def check_central(config: SiteConfig, *, timeout_s: float = 5.0, ca_file: str | None = None) -> Check:
    """Ask the central server, with the site's own [central] url, token and CA, for one feed item (a read)."""
    import requests

    from sync.client import PinnedSession

    url = config.central.url.rstrip("/")
    session = PinnedSession()
    session.verify = ca_file or True  # as the relay checks the central server's certificate
    try:
        r = session.get(f"{url}/api/v1/feeds/catalog", params={"after": 0, "limit": 1},
                        headers={"Authorization": f"Bearer {config.central.token}"}, timeout=timeout_s)
    except requests.RequestException as exc:
        cause = cause_of(exc)
        advice = _ADVICE.get(cause.code, texts.FIX_CENTRAL_NETWORK)
        return Check(texts.CENTRAL, Status.FAIL, f"{url}: {cause.text}", advice,
                     {"url": url, "cause": cause.code})
    if r.status_code >= 400:
        cause = http_cause(r.status_code)
        return Check(texts.CENTRAL, Status.FAIL, f"{url}: {cause.text}",
                     _ADVICE.get(cause.code, texts.FIX_CENTRAL_NETWORK), {"url": url, "cause": cause.code,
                                                                          "status": r.status_code})
    return Check(texts.CENTRAL, Status.OK, texts.CENTRAL_OK.format(url=url), data={"url": url})
