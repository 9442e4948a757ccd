"""Live events: committed events fanned out to server-sent-event subscribers, with replay after a break."""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator

from sync.store import EncodedEvent, SiteStore


class Broadcaster:
    """Fans committed events out to SSE subscribers, and keeps recent ones for quick replay."""

    def __init__(self, store: SiteStore, *, keep: int = 20000, max_backlog: int = 50000) -> None:
        self.store = store
        self.recent: deque[EncodedEvent] = deque(maxlen=keep)
        self.subscribers: set[Subscriber] = set()
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
            sub.overflow = True
            sub.wake.set()

    def subscribe(self, after: int) -> tuple[Subscriber, list[EncodedEvent], int]:
        """Register a subscriber; returns it, the in-memory replay, and where the replay ends."""
        sub = Subscriber(self)
        self.subscribers.add(sub)
        until = self.last_seq
        replay: list[EncodedEvent] = []
        if after < until and self.recent and self.recent[0].seq <= after + 1:
            replay = [e for e in self.recent if e.seq > after]
        return sub, replay, until


class Subscriber:
    """One live stream's pending events; dropped (and replayed from the log) when it falls too far behind."""

    __slots__ = ("owner", "overflow", "pending", "wake")

    def __init__(self, owner: Broadcaster) -> None:
        self.owner = owner
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

    def take(self) -> list[EncodedEvent]:
        out, self.pending = self.pending, []
        self.wake.clear()
        return out

    def close(self) -> None:
        self.owner.subscribers.discard(self)


def sse_frame(e: EncodedEvent) -> bytes:
    """One server-sent event: id, event type and JSON data."""
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (e.seq, e.type.encode(), e.payload)


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
