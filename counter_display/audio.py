"""The players announcements play on, now shared with the kiosk's voice prompts: see ui.audio."""
from __future__ import annotations

from ui.audio import HISTORY_KEPT, AudioPlayer, NullPlayer, PlayedClip, RecordingPlayer, wav_duration

__all__ = ["HISTORY_KEPT", "AudioPlayer", "NullPlayer", "PlayedClip", "RecordingPlayer", "wav_duration"]
