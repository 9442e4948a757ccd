"""motcua-edge: the domain of a one-stop public administration center (pure: no Qt, HTTP or SQLite)."""
from __future__ import annotations

__version__ = "0.1.0"
