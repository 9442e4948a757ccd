#!/usr/bin/env python3
"""Hub load benchmark: ticket issues and call-next over HTTP keep-alive on loopback, and call-to-delivery
latency to SSE subscribers. Prints one JSON object.

    .venv/bin/python bench/hub_load.py [--seconds 5] [--clients 1,8] [--subscribers 50]

The hub runs as a separate process (`motcua hub`, synchronous=FULL) on a fresh database; the clients
are a small asyncio HTTP/1.1 client so that the client's own cost stays small beside the hub's.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))



def site_toml(services: int, counters: int) -> str:
    from sync.localsite import always_open_site_toml

    return always_open_site_toml(code="BENCH", name="Trung tâm thử tải", counters=counters,
                                 services={f"S{i}": f"Dịch vụ {i}" for i in range(services)})


class Conn:
    """A minimal HTTP/1.1 keep-alive client connection."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        assert self.reader and self.writer
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n".encode() + self.auth
        if body is not None:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        self.writer.write(head + b"\r\n" + (body or b""))
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        length = 0
        for line in raw.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        data = await self.reader.readexactly(length) if length else b""
        return status, data

    def close(self) -> None:
        if self.writer:
            self.writer.close()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return round(values[k] * 1000, 3)


def summary(lat: list[float], elapsed: float, errors: int) -> dict[str, float | int]:
    return {"requests": len(lat), "errors": errors, "per_s": round(len(lat) / elapsed, 1),
            "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
            "max_ms": round(max(lat) * 1000, 3) if lat else None}


async def run_phase(host: str, port: int, token: str, clients: int, seconds: float, make_request,
                    ok: set[int], max_requests: int | None = None) -> dict[str, float | int]:
    conns = [Conn(host, port, token) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in conns))
    lat: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def worker(i: int, c: Conn) -> None:
        nonlocal errors
        k = 0
        while time.perf_counter() < stop_at and (max_requests is None or len(lat) < max_requests):
            method, path, body = make_request(i, k)
            t0 = time.perf_counter()
            status, _ = await c.request(method, path, body)
            lat.append(time.perf_counter() - t0)
            if status not in ok:
                errors += 1
            k += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(i, c) for i, c in enumerate(conns)))
    elapsed = time.perf_counter() - t0
    for c in conns:
        c.close()
    return summary(lat, elapsed, errors)


async def sse_phase(host: str, port: int, token: str, board_tokens: list[str], calls: int, rate: float,
                    counters: int) -> dict[str, float | int]:
    """Subscribers (one board token each, like lobby TVs) listen; one clerk client calls `calls` tickets at
    `rate`/s; latency send→receive."""
    received: dict[str, list[float]] = {}
    ready = 0
    subscribers = len(board_tokens)

    async def listen(board: str) -> None:
        nonlocal ready
        r, w = await asyncio.open_connection(host, port)
        w.write(f"GET /api/v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {board}\r\n"
                f"Accept: text/event-stream\r\n\r\n".encode())
        await r.readuntil(b"\r\n\r\n")
        ready += 1
        buf = b""
        try:
            while True:
                chunk = await r.read(65536)
                if not chunk:
                    return
                now = time.perf_counter()
                buf += chunk
                while b"\n\n" in buf:
                    frame, buf = buf.split(b"\n\n", 1)
                    if b"event: ticket.called" in frame:
                        i = frame.find(b'"ticket":{"id":"')
                        tid = frame[i + 16:i + 52].decode()
                        received.setdefault(tid, []).append(now)
        finally:
            w.close()

    tasks = [asyncio.create_task(listen(b)) for b in board_tokens]
    while ready < subscribers:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    clerk = Conn(host, port, token)
    await clerk.open()
    sent: dict[str, float] = {}
    interval = 1.0 / rate
    t_next = time.perf_counter()
    for k in range(calls):
        await asyncio.sleep(max(0.0, t_next - time.perf_counter()))
        t_next += interval
        t0 = time.perf_counter()
        status, body = await clerk.request("POST", f"/api/v1/counters/{k % counters + 1}/next")
        if status == 200:
            sent[json.loads(body)["id"]] = t0
    await asyncio.sleep(0.5)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    clerk.close()
    lat = [t - sent[tid] for tid, ts in received.items() if tid in sent for t in ts]
    expected = len(sent) * subscribers
    return {"subscribers": subscribers, "calls": len(sent), "rate_per_s": rate, "deliveries": len(lat),
            "missing": expected - len(lat), "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
            "p99_ms": pct(lat, 99), "max_ms": round(max(lat) * 1000, 3) if lat else None}


def hub_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the hub process used so far, from /proc: unlike throughput, this hardly
    moves when other programs share the machine, so two versions can be compared on a busy one."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--subscribers", type=int, default=50)
    ap.add_argument("--sse-calls", type=int, default=1000)
    ap.add_argument("--sse-rate", type=float, default=200.0)
    args = ap.parse_args()

    from sync.localsite import HubProcess

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    services, counters = 8, 16
    (tmp / "site.toml").write_text(site_toml(services, counters), encoding="utf-8")
    db = tmp / "site.db"
    # The hub is its own process, as in production: the load generator does not share its interpreter.
    hub = HubProcess(tmp / "site.toml", db, roles=("admin",), token_name="bench", cwd=ROOT)
    token = hub.tokens["admin"]
    boards = [hub.token("board", f"bench TV {i}") for i in range(args.subscribers)]
    host, port = hub.host, hub.port
    hub.start()
    try:
        result: dict[str, object] = {"hub": {"synchronous": "FULL", "pid": hub.pid}, "cpu_count": os.cpu_count()}
        bodies = [json.dumps({"service": f"S{i}"}).encode() for i in range(services)]
        issue_bodies = lambda i, k: ("POST", "/api/v1/tickets", bodies[(i + k) % services])
        for n in (int(x) for x in args.clients.split(",")):
            # Call-next needs waiting tickets: each issue phase leaves plenty.
            cpu = hub_cpu_s(hub.pid)
            result[f"issue_{n}_clients"] = phase = asyncio.run(
                run_phase(host, port, token, n, args.seconds, issue_bodies, {201}))
            phase["hub_cpu_ms_per_request"] = round((hub_cpu_s(hub.pid) - cpu) * 1000 / max(1, phase["requests"]), 3)
            call = lambda i, k: ("POST", f"/api/v1/counters/{(i % counters) + 1}/next", None)
            # Prefill (not measured) so that call-next never runs out of waiting tickets.
            asyncio.run(run_phase(host, port, token, 8, 60.0, issue_bodies, {201},
                                  max_requests=int(4000 * min(args.seconds, 3.0))))
            cpu = hub_cpu_s(hub.pid)
            result[f"call_next_{n}_clients"] = phase = asyncio.run(
                run_phase(host, port, token, n, min(args.seconds, 3.0), call, {200}))
            phase["hub_cpu_ms_per_request"] = round((hub_cpu_s(hub.pid) - cpu) * 1000 / max(1, phase["requests"]), 3)
        # Enough waiting tickets for the SSE phase.
        asyncio.run(run_phase(host, port, token, 8, 1.0, issue_bodies, {201}))
        result["sse_call_to_subscriber"] = asyncio.run(
            sse_phase(host, port, token, boards, args.sse_calls, args.sse_rate, counters))
        result["db_bytes"] = db.stat().st_size + (Path(str(db) + "-wal").stat().st_size
                                                   if Path(str(db) + "-wal").exists() else 0)
        print(json.dumps(result, indent=2))
    finally:
        hub.stop(timeout=10)


if __name__ == "__main__":
    main()
