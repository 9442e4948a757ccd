"""Writing a job to files: the `.bin` bytes and the `.png` preview (the demo's `DIR/printed/`)."""
from __future__ import annotations

from pathlib import Path

from printer_drivers.document import Job


def write_job_files(job: Job, base: str | Path) -> tuple[Path, Path]:
    """Write `base.bin` (ESC/POS bytes) and `base.png` (the preview); returns both paths."""
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    bin_path, png_path = base.with_suffix(".bin"), base.with_suffix(".png")
    bin_path.write_bytes(job.to_bytes())
    job.preview().save(png_path, optimize=True)
    return bin_path, png_path
