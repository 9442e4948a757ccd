"""GET /metrics: the hub's figures for Prometheus (sync.hub.metrics), for a `metrics` or `admin` token."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from sync.hub.deps import HubDep, MetricsReader
from sync.hub.metrics import CONTENT_TYPE

router = APIRouter(tags=["monitoring"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(hub: HubDep, p: MetricsReader) -> Response:
    """Số liệu giám sát / queues, latency, sync backlog and devices in the Prometheus text format.

    It carries no personal data, but it does describe the site (device names, queue lengths): read it
    with a token of role `metrics` (`motcua token create --role metrics`), which may read nothing else.
    """
    return Response(hub.metrics.render(), media_type=CONTENT_TYPE)
