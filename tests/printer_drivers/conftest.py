from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from motcua.config import example_site_config_path, load_site_config  # noqa: E402


@pytest.fixture(scope="session")
def site():
    return load_site_config(example_site_config_path())
