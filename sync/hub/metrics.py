"""The hub's `/metrics` in the Prometheus text format, with prometheus-client.

What a site's monitoring needs to see: people waiting and the longest wait per service, counters open,
paused and serving, tickets issued, called and completed, request latency, the sync backlog and its
oldest unsent event, dead letters, and each device's time since its last heartbeat and active faults.
No personal data: labels are service codes, routes and device names only.

Queue, sync and device figures are read when scraped (a custom collector). The hot paths pay only for
plain integer counts (tickets by event, requests by latency bucket), which the same collector turns into a
Prometheus counter and histogram when scraped: the library's Counter and Histogram take a lock and check
their state on every update, several times the cost of `list[i] += 1`, and every count here is made on the
hub's one event loop, as is the scrape. Each Hub has its own registry (tests run several hubs in one
process; the library's global registry would mix them).
"""
from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    Metric,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from motcua import __version__
from motcua.clock import Clock
from motcua.config import SiteConfig
from motcua.contract import EventType
from motcua.queue import Change, CounterState, QueueEngine
from sync.hub.live import Broadcaster
from sync.hub.registry import DeviceRegistry
from sync.store import SiteStore


class MetricsSource(Protocol):
    """What the metrics read of the hub when scraped (the Hub implements it; metrics never import the Hub)."""

    @property
    def config(self) -> SiteConfig:
        """The site file now in force."""
        ...

    @property
    def clock(self) -> Clock:
        """The hub's clock."""
        ...

    @property
    def engine(self) -> QueueEngine:
        """Today's queues."""
        ...

    @property
    def store(self) -> SiteStore:
        """The site database."""
        ...

    @property
    def events(self) -> Broadcaster:
        """The live events (their last sequence)."""
        ...

    @property
    def registry(self) -> DeviceRegistry:
        """The devices heard from."""
        ...

    @property
    def central_url(self) -> str | None:
        """The central server synced with, if any."""
        ...

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The classic text format (version 0.0.4), which every Prometheus version reads."""
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
"""Seconds; a ticket normally answers in about a millisecond, a slow disk shows up in the upper buckets."""
_TICKET_EVENTS = {EventType.TICKET_ISSUED: ("motcua_tickets_issued", "Số đã cấp / tickets issued since the hub started"),
                  EventType.TICKET_CALLED: ("motcua_tickets_called", "Số đã gọi / tickets called since the hub started"),
                  EventType.TICKET_COMPLETED: ("motcua_tickets_completed",
                                       "Số đã phục vụ xong / tickets completed since the hub started")}


_LATENCY = ("motcua_http_request_duration_seconds",
            "Thời gian trả lời / time from a request's arrival to the start of its answer")
_LE = [floatToGoString(b) for b in LATENCY_BUCKETS] + ["+Inf"]
"""The buckets' `le` labels as prometheus-client writes them."""


class HubMetrics:
    """The metrics of one hub: event counters, request latency, and what is read at scrape time.

    Hazard: `count` and `observe` are unlocked; call them (and `render`) on the hub's event loop only.
    """

    def __init__(self, hub: MetricsSource) -> None:
        self.hub = hub
        self.started = time.time()
        """When the counters started (their `_created`)."""
        self.registry = CollectorRegistry()
        self.tickets: dict[EventType, int] = dict.fromkeys(_TICKET_EVENTS, 0)
        """Ticket events by type since the hub started (test tickets excluded)."""
        self.latency: dict[tuple[str, str], list[float]] = {}
        """(method, route) -> requests per latency bucket (the last: above every bucket), then the sum of seconds."""
        ProcessCollector(registry=self.registry)
        self.registry.register(_StateCollector(hub))
        self.registry.register(_CountsCollector(self))

    def count(self, changes: Iterable[Change]) -> None:
        """Count the ticket events of committed changes (called by the hub after each commit); test tickets
        of commissioning mode count in no figure, as in the reports."""
        tickets = self.tickets
        for ch in changes:
            etype = ch.event.type
            if etype in tickets and not (ch.ticket is not None and ch.ticket.test):
                tickets[etype] += 1

    def observe(self, method: str, route: str, seconds: float) -> None:
        """One request's latency; `route` is the path template, never the raw path (bounded labels)."""
        row = self.latency.get((method, route))
        if row is None:
            row = self.latency[(method, route)] = [0.0] * (len(LATENCY_BUCKETS) + 2)
        # A bucket counts the requests at or under its bound, as prometheus-client's: bisect_left.
        row[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        row[-1] += seconds

    def render(self) -> bytes:
        """The text exposition (call on the hub's loop: it reads the engine and the counts)."""
        return generate_latest(self.registry)


class _CountsCollector(Collector):
    """The hot paths' plain counts as a Prometheus counter per ticket event and one latency histogram."""

    def __init__(self, metrics: HubMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        for etype, (name, doc) in _TICKET_EVENTS.items():
            yield CounterMetricFamily(name, doc, value=m.tickets[etype], created=m.started)
        hist = HistogramMetricFamily(*_LATENCY, labels=["method", "route"])
        for (method, route), row in list(m.latency.items()):
            running, buckets = 0.0, []
            for le, n in zip(_LE, row[:-1], strict=True):
                running += n
                buckets.append((le, running))
            hist.add_metric([method, route], buckets, sum_value=row[-1])
        yield hist


class _StateCollector(Collector):
    """Queue, counter, sync and device figures, read from the hub when scraped."""

    def __init__(self, hub: MetricsSource) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        hub, engine = self.hub, self.hub.engine
        now = hub.clock.time()
        info = InfoMetricFamily("motcua_hub", "Máy chủ trạm / the site hub")
        info.add_metric([], {"version": __version__, "site": hub.config.site.code, "day": engine.day})
        yield info
        yield GaugeMetricFamily("motcua_commissioning", "Chạy thử / 1 while commissioning mode issues test tickets",
                                value=1 if engine.commissioning else 0)

        waiting = GaugeMetricFamily("motcua_queue_waiting", "Số người đang chờ / people waiting, per service",
                                    labels=["service"])
        longest = GaugeMetricFamily("motcua_queue_longest_wait_seconds",
                                    "Thời gian chờ lâu nhất hiện tại / the longest current wait, per service",
                                    labels=["service"])
        issued = GaugeMetricFamily("motcua_tickets_issued_today", "Số đã cấp hôm nay / tickets issued today",
                                   labels=["service"])
        for code, q in engine.queues.items():
            waiting.add_metric([code], len(q))
            firsts = [items[0].issued_at for items in (q.priority, q.walk_in) if items]
            longest.add_metric([code], round(max(0.0, now - min(firsts)), 3) if firsts else 0.0)
            issued.add_metric([code], engine.issued_today.get(code, 0))
        yield from (waiting, longest, issued)

        states = {s.value: 0 for s in CounterState}
        serving = 0
        for c in engine.counters.values():
            states[c.state.value] += 1
            serving += c.current is not None
        counters = GaugeMetricFamily("motcua_counters", "Quầy theo trạng thái / counters by state (open, paused, closed)",
                                     labels=["state"])
        for state, n in states.items():
            counters.add_metric([state], n)
        yield counters
        yield GaugeMetricFamily("motcua_counters_serving", "Quầy đang phục vụ một số / counters serving a ticket now",
                                value=serving)

        backlog, oldest_age, dead = self._sync(now)
        yield GaugeMetricFamily("motcua_sync_enabled", "Có đồng bộ với máy chủ trung tâm / 1 when a central server is set",
                                value=1 if hub.central_url else 0)
        yield GaugeMetricFamily("motcua_sync_backlog_events", "Sự kiện chưa gửi / events not yet sent to the central server",
                                value=backlog)
        yield GaugeMetricFamily("motcua_sync_oldest_unsent_age_seconds",
                                "Tuổi sự kiện chưa gửi lâu nhất / age of the oldest unsent event", value=oldest_age)
        yield GaugeMetricFamily("motcua_sync_dead_letters", "Sự kiện bị từ chối / events the central server rejected",
                                value=dead)

        age = GaugeMetricFamily("motcua_device_last_seen_age_seconds",
                                "Thời gian từ nhịp tim cuối / seconds since the device's last heartbeat",
                                labels=["device", "role"])
        version = InfoMetricFamily("motcua_device", "Phiên bản thiết bị / the device's version",
                                   labels=["device", "role"])
        faults = GaugeMetricFamily("motcua_device_faults_active", "Sự cố đang có / active faults of the device",
                                   labels=["device", "role"])
        for d in hub.registry.view(now):
            if d["age_s"] is not None:
                age.add_metric([d["device"], d["role"]], d["age_s"])
                version.add_metric([d["device"], d["role"]], {"version": d["version"] or ""})
            faults.add_metric([d["device"], d["role"]], len(d["faults"]))
        yield from (age, version, faults)

    def _sync(self, now: float) -> tuple[int, float, int]:
        # Cheap on a big log: the backlog from sequence numbers (dense: the engine hands them out), the oldest
        # unsent event by primary key; GET /sync's exact COUNT(*) would scan every unsent row per scrape.
        store = self.hub.store
        sent = store.tables.sent_seq()
        oldest = store.tables.unsent_events(sent, 1)
        dead = store.tables.dead_letter_count()
        age = round(max(0.0, now - float(oldest[0]["at"])), 1) if oldest else 0.0
        return max(0, self.hub.events.last_seq - sent), age, dead
