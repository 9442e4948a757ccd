"""Live events: committed events fanned out to server-sent-event subscribers, with replay after a break."""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import StreamingResponse

from sync.hub.auth import Principal
from sync.store import EncodedEvent, SiteStore


class Broadcaster:
    """Fans committed events out to SSE subscribers, and keeps recent ones for quick replay."""

    def __init__(self, store: SiteStore, *, keep: int = 20000, max_backlog: int = 50000) -> None:
        self.store = store
        self.recent: deque[EncodedEvent] = deque(maxlen=keep)
        self.subscribers: set[Subscriber] = set()
        self.per_token: dict[str, int] = {}
        """Live streams by token id (for the limit of streams per token)."""
        self.last_seq = 0
        self.max_backlog = max_backlog

    def publish(self, events: list[EncodedEvent]) -> None:
        """Committed events, in sequence order (called on the loop by the store)."""
        if not events:
            return
        self.recent.extend(events)
        self.last_seq = events[-1].seq
        for sub in list(self.subscribers):
            sub.push(events)

    def close_all(self) -> None:
        """End every live stream (shutdown); clients reconnect and replay from the log."""
        for sub in list(self.subscribers):
            sub.end()

    def close_where(self, condition: Callable[[Principal], bool]) -> int:
        """End the live streams whose caller meets the condition (a revoked or expired token); how many."""
        n = 0
        for sub in list(self.subscribers):
            if sub.principal is not None and condition(sub.principal):
                sub.end()
                n += 1
        return n

    def streams_of(self, principal: Principal) -> int:
        """How many live streams this caller's token has open."""
        return self.per_token.get(_token_key(principal), 0)

    def subscribe(self, after: int, principal: Principal | None = None) -> tuple[Subscriber, list[EncodedEvent], int]:
        """Register a subscriber; returns it, the in-memory replay, and where the replay ends."""
        sub = Subscriber(self, principal)
        self.subscribers.add(sub)
        if principal is not None:
            key = _token_key(principal)
            self.per_token[key] = self.per_token.get(key, 0) + 1
        until = self.last_seq
        replay: list[EncodedEvent] = []
        if after < until and self.recent and self.recent[0].seq <= after + 1:
            replay = [e for e in self.recent if e.seq > after]
        return sub, replay, until


class Subscriber:
    """One live stream's pending events; dropped (and replayed from the log) when it falls too far behind."""

    __slots__ = ("closed", "owner", "overflow", "pending", "principal", "wake")

    def __init__(self, owner: Broadcaster, principal: Principal | None = None) -> None:
        self.owner = owner
        self.principal = principal
        self.closed = False
        self.pending: list[EncodedEvent] = []
        self.wake = asyncio.Event()
        self.overflow = False

    def push(self, events: list[EncodedEvent]) -> None:
        self.pending.extend(events)
        if len(self.pending) > self.owner.max_backlog:
            # A subscriber this far behind is not reading: drop it; it reconnects and replays from the log.
            self.overflow = True
            self.pending.clear()
        self.wake.set()

    def end(self) -> None:
        """Make the stream finish at its next wake-up (the client may reconnect and replay)."""
        self.overflow = True
        self.wake.set()

    def take(self) -> list[EncodedEvent]:
        out, self.pending = self.pending, []
        self.wake.clear()
        return out

    def close(self) -> None:
        """Leave the broadcaster (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self.owner.subscribers.discard(self)
        if self.principal is not None:
            key = _token_key(self.principal)
            left = self.owner.per_token.get(key, 1) - 1
            if left > 0:
                self.owner.per_token[key] = left
            else:
                self.owner.per_token.pop(key, None)


def _token_key(p: Principal) -> str:
    return p.token_id or f"name:{p.name}"


class EventStreamResponse(StreamingResponse):
    """A subscriber's stream that always leaves the broadcaster, even when the client went away before
    the first byte (then the stream generator never starts, and its `finally` never runs)."""

    def __init__(self, content: AsyncIterator[bytes], sub: Subscriber, **kw: Any) -> None:
        super().__init__(content, **kw)
        self.sub = sub

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.sub.close()


def sse_frame(e: EncodedEvent) -> bytes:
    """One server-sent event: id, event type and JSON data (made once per event, shared by every stream:
    the event log holds no personal data, so every role's stream carries the same bytes)."""
    if not e.frame:
        e.frame = b"id: %d\nevent: %s\ndata: %s\n\n" % (e.seq, e.type.encode(), e.payload)
    return e.frame


async def stream(events: Broadcaster, sub: Subscriber, after: int, replay: list[EncodedEvent], until: int, *,
                 heartbeat_s: float) -> AsyncIterator[bytes]:
    """One subscriber's stream: the replay (from memory or the log), then live events and heartbeats."""
    try:
        yield b"retry: 2000\n: motcua-edge hub\n\n"
        sent = after
        if not replay and after < until:
            # Older than what is kept in memory: page through the log.
            while sent < until:
                page = events.store.events_after(sent, limit=2000, until=until)
                if not page:
                    break
                yield b"".join(sse_frame(e) for e in page)
                sent = page[-1].seq
                await asyncio.sleep(0)
        elif replay:
            yield b"".join(sse_frame(e) for e in replay if e.seq <= until)
            sent = until
        sent = max(sent, until)
        while True:
            if not sub.pending:
                try:
                    await asyncio.wait_for(sub.wake.wait(), timeout=heartbeat_s)
                except TimeoutError:
                    yield b": ping\n\n"
                    continue
            if sub.overflow:
                return
            batch = [e for e in sub.take() if e.seq > sent]
            if batch:
                sent = batch[-1].seq
                yield b"".join(sse_frame(e) for e in batch)
    finally:
        sub.close()
