"""Fixtures of the counter's hardware tests."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from serial_support import PtyDevice


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[Callable[[str], PtyDevice]]:
    """Makes serial cables by name (keypad, LED, rating box…), each unplugged at the end of the test."""
    made: list[PtyDevice] = []

    def make(name: str) -> PtyDevice:
        d = PtyDevice(tmp_path / name)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
