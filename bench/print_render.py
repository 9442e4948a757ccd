#!/usr/bin/env python3
"""Printing benchmark: render + encode time and bytes per ticket at 80 and 58 mm. Prints JSON."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer_drivers.bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
