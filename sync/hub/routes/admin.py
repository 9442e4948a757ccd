"""Routes of the site's administrator: reloading the site file, commissioning mode, the day's report."""
from __future__ import annotations

import re

from fastapi import APIRouter
from starlette.responses import Response

from sync.hub.deps import Admin, HubDep
from sync.hub.errors import API, ApiError, json_response
from sync.hub.models import CommissioningRequest

router = APIRouter(tags=["admin"])
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@router.post(f"{API}/admin/reload")
async def reload_site_file(hub: HubDep, p: Admin) -> Response:
    """Nạp lại cấu hình / re-read the site file (the same as SIGHUP): hours, texts, quotas apply at once.

    409 `reload_refused` when the file adds or removes services or counters or changes numbering (restart
    the hub for those); 422 `config_invalid` when it does not validate. Either way the running
    configuration stays. Devices hear `site.changed`.
    """
    return json_response(await hub.reload_config())


@router.get(f"{API}/admin/commissioning")
async def commissioning_state(hub: HubDep, p: Admin) -> Response:
    """Chế độ chạy thử / whether commissioning mode is on, and how many test tickets are still open."""
    return json_response({"commissioning": hub.engine.commissioning,
                          "open_test_tickets": hub.engine.open_test_tickets()})


@router.post(f"{API}/admin/commissioning")
async def set_commissioning(body: CommissioningRequest, hub: HubDep, p: Admin) -> Response:
    """Bật/tắt chạy thử / commissioning on: numbers at any hour, each a test ticket (THỬ / TEST); off: open
    test tickets expire. Until the hub restarts (`motcua hub --commissioning` starts with it on)."""
    return json_response(await hub.set_commissioning(body.on))


@router.get(f"{API}/reports/day")
async def day_report(hub: HubDep, p: Admin, day: str | None = None) -> Response:
    """Báo cáo ngày / a day's tickets per service (issued, served, no-show, waits); test tickets are left out
    and only counted apart. `payments`: the day's fees per procedure and method (GET /payments/summary)."""
    day = day or hub.engine.day
    if not _DAY.match(day):
        raise ApiError(422, "invalid_day", "day: dạng YYYY-MM-DD / expected YYYY-MM-DD")
    tables = hub.store.tables
    services = {r["service"]: {"issued": r["issued"], "served": r["served"] or 0, "no_show": r["no_show"] or 0,
                               "waiting": r["waiting"] or 0,
                               "average_wait_s": None if r["wait_s"] is None else round(r["wait_s"]),
                               "average_service_s": None if r["service_s"] is None else round(r["service_s"])}
                for r in tables.day_by_service(day)}
    tests = tables.test_tickets(day)
    return json_response({"day": day, "issued": sum(s["issued"] for s in services.values()),
                          "served": sum(s["served"] for s in services.values()), "services": services,
                          "test_tickets": int(tests),
                          "payments": {k: v for k, v in hub.payments.summary(day, day).items() if k in ("rows", "totals")}})
