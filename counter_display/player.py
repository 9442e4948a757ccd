"""The Qt sound player of announcements, now shared with the kiosk's voice prompts: see ui.player."""
from __future__ import annotations

from ui.player import QtAudioPlayer, make_player, play_blocking

__all__ = ["QtAudioPlayer", "make_player", "play_blocking"]
