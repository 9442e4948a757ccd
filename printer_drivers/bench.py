"""Benchmark: rendering and encoding one queue ticket (`bench/print_render.py` runs `main`); JSON out."""
from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import timedelta

from motcua.config import example_site_config_path, load_site_config
from printer_drivers import render
from printer_drivers.document import Paper
from printer_drivers.layouts import PrintedTicket, sample_ticket, ticket_job

SERIAL_BAUD = 115200


def _tickets(n: int) -> list[PrintedTicket]:
    site = load_site_config(example_site_config_path())
    base = sample_ticket(site)
    out = []
    for i in range(n):
        # Different numbers, queue lengths and times, as a kiosk would print through a morning.
        service = site.services[i % len(site.services)]
        # One in ten is a priority ticket (the mix of a real morning), with its category's name.
        category = site.priority_categories[i % len(site.priority_categories)] if i % 10 == 3 else None
        out.append(PrintedTicket(
            display=service.display(service.first_number + i), service_name=service.name,
            service_name_en=service.name_en, issued_at=base.issued_at + timedelta(minutes=i),
            center_name=base.center_name, ahead=(i * 7) % 40, estimated_wait_s=((i * 7) % 40) * 150.0,
            tracking_url=f"{base.tracking_url[:-4]}{i:04d}", footer=base.footer,
            priority_name=category.name if category else None))
    return out


def run(*, n: int = 200, paper_mm: int = 80) -> dict[str, object]:
    """Median time to render and encode a ticket, warm (caches filled, as on a kiosk) and cold."""
    paper = Paper(width_mm=paper_mm)
    tickets = _tickets(n)
    warm: list[float] = []
    sizes: list[int] = []
    for t in tickets:
        started = time.perf_counter()
        data = ticket_job(t, paper=paper).to_bytes()
        warm.append((time.perf_counter() - started) * 1000)
        sizes.append(len(data))
    cold: list[float] = []
    for t in tickets[:20]:
        render.render_line.cache_clear()
        render._wrap.cache_clear()
        render.qr_image.cache_clear()
        render.qr_modules.cache_clear()
        started = time.perf_counter()
        ticket_job(t, paper=paper).to_bytes()
        cold.append((time.perf_counter() - started) * 1000)
    biggest = max(sizes)
    priority_sizes = [size for t, size in zip(tickets, sizes) if t.priority_name]
    return {
        "bench": "print_render",
        "paper_mm": paper_mm,
        "tickets": n,
        "render_encode_ms_median": round(statistics.median(warm), 3),
        "render_encode_ms_p95": round(sorted(warm)[int(0.95 * len(warm)) - 1], 3),
        "render_encode_ms_median_cold": round(statistics.median(cold), 3),
        "ticket_bytes_median": int(statistics.median(sizes)),
        "ticket_bytes_max": biggest,
        "walk_in_ticket_bytes_max": max(size for t, size in zip(tickets, sizes) if not t.priority_name),
        "priority_ticket_bytes_max": max(priority_sizes) if priority_sizes else None,
        "serial_115200_seconds_max": round(biggest * 10 / SERIAL_BAUD, 3),
        "limits": {"render_encode_ms_median": 8, "ticket_bytes": 8192, "serial_seconds": 1.0},
    }


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark as one JSON object; exit 1 if a limit is exceeded."""
    results = [run(paper_mm=80), run(paper_mm=58)]
    print(json.dumps(results, indent=2))
    ok = all(r["render_encode_ms_median"] <= 8 and r["ticket_bytes_max"] <= 8192  # type: ignore[operator]
             for r in results)
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
