"""A test ticket of commissioning mode (issue 10) says so on paper: "VÉ THỬ / TEST" above its number."""
from __future__ import annotations

import pytest
from escpos_parse import parse
from printer_reference import iou, reference_ink

from printer_drivers import texts
from printer_drivers.document import Paper
from printer_drivers.layouts import PrintedTicket, Styles, ticket_job

HUB_TICKET = {"id": "a3f1c7e2-0000-4000-8000-000000000001", "number": 9999, "display": "9999", "service": "DD",
              "priority": None, "status": "waiting", "issued_at": "2026-11-26T22:05:00+07:00", "called_at": None,
              "counter": None, "position": 1, "ahead": 0, "estimated_wait_s": 0, "tracking_url": "http://x/t/a3f1",
              "test": True}


def _best_match(job_bytes: bytes, text: str, paper: Paper) -> float:
    style = Styles.for_ticket(paper).header
    ref = reference_ink(text, style.size, True)
    return max((iou(r.image, ref) for r in parse(job_bytes).rasters if r.scale_x == 1), default=0.0)


@pytest.mark.parametrize("paper", [Paper(width_mm=80), Paper(width_mm=58)], ids=lambda p: f"{p.width_mm}mm")
def test_test_ticket_is_marked_and_a_real_one_is_not(site, paper: Paper) -> None:  # noqa: ANN001
    test = PrintedTicket.from_hub(HUB_TICKET, site)
    real = PrintedTicket.from_hub({**HUB_TICKET, "test": False, "display": "1001"}, site)
    assert test.test and not real.test
    test_bytes = ticket_job(test, paper=paper).to_bytes()
    assert _best_match(test_bytes, texts.TICKET_TEST.vi, paper) >= 0.9
    assert _best_match(ticket_job(real, paper=paper).to_bytes(), texts.TICKET_TEST.vi, paper) < 0.6
    # Still a ticket that prints in under a second, also with a priority mark.
    prio = PrintedTicket.from_hub({**HUB_TICKET, "priority": "elderly"}, site)
    assert len(test_bytes) <= 8 * 1024 and len(ticket_job(prio, paper=paper).to_bytes()) <= 8 * 1024
