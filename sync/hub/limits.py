"""What the hub checks at its door, before a route reads anything: the caller's token (so that an
unauthenticated body is never read), and the body's size by route, declared or chunked.

Both the FastAPI routes and the fast path (sync.hub.fastpath) go through these helpers.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.hub.errors import API, ApiError, error_body

JSON_LIMIT = 64 * 1024
"""Every JSON body (and anything else sent to a route that takes no file)."""
FILE_LIMIT = 50 * 1024 * 1024
"""A dossier's file (PUT /files/{sha256})."""
FILES_PREFIX = f"{API}/files/"
PRINCIPAL = "motcua.principal"
"""Where the door leaves the authenticated caller in the ASGI scope for the routes' dependencies."""

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def body_limit(method: str, path: str) -> int:
    """The largest body this route takes, in bytes."""
    return FILE_LIMIT if method == "PUT" and path.startswith(FILES_PREFIX) else JSON_LIMIT


def too_large(limit: int) -> ApiError:
    """413 naming the limit."""
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    return ApiError(413, "body_too_large", f"Dữ liệu quá lớn (tối đa {size}) / the body is too large (at most {size})")


class BodyTooLarge(StarletteHTTPException):
    """Raised from receive() once a body passes its route's limit (FastAPI lets HTTPExceptions through
    its body reading); answered as the JSON 413, and the connection is closed rather than drained."""

    def __init__(self, limit: int) -> None:
        err = too_large(limit)
        super().__init__(413, detail=err.message, headers={"Connection": "close"})


def limited(receive: Receive, limit: int) -> Receive:
    """receive() that raises BodyTooLarge as soon as more than `limit` body bytes came (chunked too)."""
    seen = 0

    async def wrapped() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped


def bearer_token(scope: dict[str, Any]) -> str | None:
    """The token of an `Authorization: Bearer` header, or None."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return parse_bearer(value)
    return None


def parse_bearer(value: bytes) -> str | None:
    """The token of an Authorization header's value if its scheme is Bearer, or None."""
    scheme, _, cred = value.decode("latin-1").partition(" ")
    return (cred.strip() or None) if scheme.lower() == "bearer" else None


def token_and_length(scope: dict[str, Any]) -> tuple[str | None, int | None]:
    """bearer_token and declared_length in one pass over the headers (the fast path's)."""
    token: str | None = None
    length: int | None = None
    seen_auth = seen_length = False
    for name, value in scope["headers"]:
        if name == b"authorization" and not seen_auth:
            seen_auth, token = True, parse_bearer(value)
        elif name == b"content-length" and not seen_length:
            seen_length = True
            try:
                length = int(value)
            except ValueError:
                length = None
    return token, length


def client_address(scope: Mapping[str, Any]) -> str:
    """The peer's address (the hub is reached directly on the LAN: no proxy header is trusted)."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def declared_length(scope: dict[str, Any]) -> int | None:
    """The Content-Length of the request, or None when it has none (chunked, or no body)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def body_pending(scope: dict[str, Any], length: int | None) -> bool:
    """Whether a body larger than a JSON request may follow: left unread, the connection is closed after
    the answer (uvicorn would otherwise read and drop all of it to keep the connection)."""
    if length is not None:
        return length > JSON_LIMIT
    return any(name == b"transfer-encoding" for name, _ in scope["headers"])


async def send_error(send: Send, exc: ApiError, *, close: bool = False) -> None:
    """Answer an ApiError as the JSON error shape straight on the ASGI connection."""
    body = error_body(exc.code, exc.message)
    # The header order of a Starlette Response, so that every error of the hub looks alike (tests/sync/test_fastpath.py).
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (exc.headers or {}).items())
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
