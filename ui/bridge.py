"""The hub's live events on the GUI thread: the feed thread (`ui.feed.HubFeed`) emits these signals, and
Qt queues them to the widgets' thread."""
from __future__ import annotations

from typing import Any

from ui.feed import HubFeed
from ui.qt import QObject, Signal


class FeedBridge(QObject):
    """Turns the feed thread's callbacks into queued signals for the GUI thread."""

    snapshot = Signal(object, object)
    """(GET /site, GET /board) — taken at start and after the event log could not be followed."""
    hub_event = Signal(object)
    """One sync.client.HubEvent, in order, each once."""
    online = Signal(bool)
    """The hub became unreachable (False) or reachable again (True)."""
    refused = Signal(object)
    """The hub refuses the device's token (a sync.client.HubAuthError)."""

    def follow(self, client: Any, **feed: Any) -> HubFeed:
        """Start a HubFeed on `client` whose callbacks are these signals (`feed`: HubFeed's timings, for tests)."""
        return HubFeed(client, on_snapshot=self.snapshot.emit, on_event=self.hub_event.emit, on_state=self.online.emit,
                       on_refused=self.refused.emit, **feed).start()
