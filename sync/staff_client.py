"""The hub client's calls for clerks and ratings (issue 13), mixed into sync.client.HubClient.

Typed answers (pydantic), so device apps never pass raw dicts around.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ClerkInfo(BaseModel):
    """The clerk signed in at a counter (staff views and the counter's rating screen)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str
    name: str
    since: str | None = None


class RatingInfo(BaseModel):
    """A rating as the hub stored it (codes only: nothing about the citizen)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    ticket_id: str
    counter: int
    clerk: str | None = None
    service: str
    level: str
    reasons: list[str] = []
    channel: str
    rated_at: str


class StaffCalls:
    """Sign-in, sign-out, the counter's clerk, ratings and their summary."""

    def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
              timeout: float | None = None) -> Any:  # pragma: no cover - HubClient provides it
        raise NotImplementedError

    def sign_in(self, counter: int, *, staff: str | None = None, pin: str | None = None,
                card: str | None = None) -> ClerkInfo:
        """Đăng nhập quầy: the staff code and PIN, or a staff card's code; HubError 422 wrong_credentials."""
        body = {k: v for k, v in (("staff", staff), ("pin", pin), ("card", card)) if v}
        return ClerkInfo.model_validate(self._call("POST", f"/counters/{counter}/sign-in", json=body)["clerk"])

    def sign_out(self, counter: int) -> None:
        """Đăng xuất: nobody is signed in at the counter any more."""
        self._call("POST", f"/counters/{counter}/sign-out")

    def clerk(self, counter: int) -> ClerkInfo | None:
        """Who is signed in at a counter (None: nobody)."""
        c = self._call("GET", f"/counters/{counter}/clerk")["clerk"]
        return ClerkInfo.model_validate(c) if c else None

    def rate(self, *, rating_id: str, ticket: str, level: str, reasons: list[str] | tuple[str, ...] = (),
             channel: str = "screen", rated_at: float | None = None, age_s: float | None = None) -> RatingInfo:
        """Đánh giá: store a citizen's rating of a served ticket (a retry of the same id gets the first answer).

        A device gives `age_s` (how long ago the touch was, on its own clock), not its clock's time: the hub dates
        the touch on its clock, so a device clock that is off does not push a rating out of its window.
        """
        body: dict[str, Any] = {"id": rating_id, "ticket": ticket, "level": level, "reasons": list(reasons),
                                "channel": channel}
        if rated_at is not None:
            body["rated_at"] = rated_at
        if age_s is not None:
            body["age_s"] = round(max(0.0, age_s), 3)
        return RatingInfo.model_validate(self._call("POST", "/ratings", json=body))

    def ratings_summary(self, first: str, last: str, *, by: str = "clerk") -> dict[str, Any]:
        """The figures per clerk, counter or service over local days first..last (staff and admin tokens)."""
        return self._call("GET", "/ratings/summary", params={"from": first, "to": last, "by": by})  # type: ignore[no-any-return]
