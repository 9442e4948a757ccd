"""The hub client's calls for citizens' self-service beyond a number (issues 15 and 17), mixed into
sync.client.HubClient: checking in a booking, notices by phone with consent, and help requests."""
from __future__ import annotations

from typing import Any

from motcua.contract import HelpRequestInfo


class CitizenCalls:
    """Booking check-in, notice subscriptions, help requests."""

    def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
              timeout: float | None = None) -> Any:  # pragma: no cover - HubClient provides it
        raise NotImplementedError

    def checkin_booking(self, *, qr: str | None = None, code: str | None = None, id_number: str | None = None,
                        request_id: str | None = None) -> dict[str, Any]:
        """Tôi đã đặt lịch: check a booking in (by its QR, code or CCCD); {"ticket", "booking", "verdict", "repeat"}."""
        body = {k: v for k, v in (("qr", qr), ("code", code), ("id_number", id_number), ("request_id", request_id))
                if v}
        return self._call("POST", "/bookings/checkin", json=body)  # type: ignore[no-any-return]

    def subscribe_notices(self, *, phone: str, consent: bool, ticket_id: str | None = None,
                          dossier_id: str | None = None) -> dict[str, Any]:
        """Nhận thông báo: a citizen's phone for a ticket's or a dossier's notices, with their consent."""
        body = {"phone": phone, "consent": consent, **({"ticket_id": ticket_id} if ticket_id else {}),
                **({"dossier_id": dossier_id} if dossier_id else {})}
        return self._call("POST", "/notices/subscriptions", json=body)  # type: ignore[no-any-return]

    def request_help(self, request_id: str | None = None) -> HelpRequestInfo:
        """Gọi cán bộ hỗ trợ: ask for a clerk (a kiosk); the same id (or any while one is open) is one request."""
        return HelpRequestInfo.model_validate(self._call("POST", "/help", json={"id": request_id}))

    def help_requests(self) -> list[HelpRequestInfo]:
        """The open help requests, oldest first."""
        return [HelpRequestInfo.model_validate(h) for h in self._call("GET", "/help")["help_requests"]]

    def acknowledge_help(self, help_id: str, *, counter: int | None = None) -> HelpRequestInfo:
        """A clerk at `counter` takes a help request (it leaves every panel and board)."""
        return HelpRequestInfo.model_validate(self._call("POST", f"/help/{help_id}/ack", json={"counter": counter}))
