"""The hub's one error shape (ARCHITECTURE rule 10) and its JSON answers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response

API = "/api/v1"
JSON = "application/json"


class ApiError(Exception):
    """An error answered as {"error": {"code", "message"}} with a 4xx status."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers
        """Extra response headers (Retry-After of a 429)."""


def error_body(code: str, message: str) -> bytes:
    """The JSON bytes of an error."""
    return orjson.dumps({"error": {"code": code, "message": message}})


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one JSON error shape of the API (ARCHITECTURE rule 10)."""
    return Response(error_body(code, message), status_code=status, media_type=JSON, headers=headers)


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON answer serialised with orjson."""
    return Response(orjson.dumps(data), status_code=status, media_type=JSON)


def validation_error(errors: Sequence[Any]) -> tuple[int, str, str]:
    """(status, code, message) for a body that failed validation: 400 for broken JSON, else 422 naming the field."""
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return 400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ / the body is not valid JSON"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return 422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}"


def store_unavailable() -> ApiError:
    """503: the database refused a write (the device retries with the same request id)."""
    return ApiError(503, "store_unavailable", "Hệ thống đang bận ghi dữ liệu, xin thử lại / the hub could not save, try again")
