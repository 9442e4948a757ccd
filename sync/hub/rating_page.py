"""The phone's rating page (/t/{id}/rate): the three official levels as big buttons, once per served ticket.

A plain HTML form (no script): it works on any phone. Says nothing of the ticket beyond its number and
service (what the board shows), and nothing of the clerk: the page is public.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import jinja2

from motcua.ratings import LEVELS, REASONS
from motcua.text import Text

STATES: dict[str, Text] = {
    "open": Text("Bạn hài lòng với việc giải quyết thủ tục hôm nay?", "How satisfied are you with today's service?"),
    "thanks": Text("Cảm ơn bạn đã đánh giá!", "Thank you for your rating!"),
    "rated": Text("Số này đã được đánh giá. Cảm ơn bạn!", "This ticket has been rated. Thank you!"),
    "closed": Text("Đã hết thời gian đánh giá cho số này.", "The time to rate this service has passed."),
    "invalid": Text("Lựa chọn không hợp lệ, xin chọn lại.", "Please choose one of the levels."),
    "missing": Text("Không tìm thấy số thứ tự này.", "No such ticket."),
}
TITLE = Text("Đánh giá mức độ hài lòng", "Rate our service")
REASONS_PROMPT = Text("Nếu không hài lòng, xin chọn lý do (không bắt buộc), rồi chạm “Không hài lòng”",
                      "If not satisfied, tick the reasons (optional), then touch “Not satisfied”")

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                          autoescape=jinja2.select_autoescape(("html",), default_for_string=True),
                          trim_blocks=True, lstrip_blocks=True)


def rate_html(ticket_id: str, view: dict[str, Any] | None, state: str) -> str:
    """The page for a ticket in a state: open (the form), thanks, rated, closed, invalid (the form again), missing."""
    show_form = state in ("open", "invalid")
    return _env.get_template("rate.html").render(
        title=TITLE, message=STATES[state], state=state, form=show_form, ticket_id=ticket_id,
        display=view["display"] if view else "", levels=list(LEVELS.items()), reasons=list(REASONS.items()),
        reasons_prompt=REASONS_PROMPT, rating_id=str(uuid.uuid4()))
