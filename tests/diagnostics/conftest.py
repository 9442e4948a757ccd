"""The technician-check tests' helpers (diag_support) live next to them."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a TOML device file and return its path."""
    def write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write
