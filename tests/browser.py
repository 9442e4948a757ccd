"""The headless Chromium driver of the browser tests (it lives in diagnostics.browser: the demo uses it too)."""
from __future__ import annotations

from diagnostics.browser import Browser, chromium_path

__all__ = ["Browser", "chromium_path"]
