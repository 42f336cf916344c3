"""Where the demo data lives: a per-anchor folder in the user's cache, generated once.

The folder is `<cache>/reportbuilder/demo-v2-<anchor>` with `<cache>` taken from
`$RB_CACHE_DIR`, else `$XDG_CACHE_HOME`, else `~/.cache`; when that cannot be written,
a folder under the system temp directory is used instead.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from ..user_cache import cache_root
from .schema import TABLES

VERSION = "v2"  # bump when the generated data changes, so old caches are not reused


def demo_dataset_dir(anchor: dt.date | None = None) -> Path:
    """The folder holding the demo tables for `anchor` (default: today in UTC).

    Generated on first use into a temporary sibling folder that is then renamed into
    place, so a reader never sees half a dataset and concurrent first uses are safe.
    """
    anchor = anchor or dt.datetime.now(dt.timezone.utc).date()
    name = f"demo-{VERSION}-{anchor.isoformat()}"
    try:
        return _ensure(cache_root() / "reportbuilder" / name, anchor)
    except OSError:  # the cache cannot be written
        fallback = Path(tempfile.gettempdir()) / "reportbuilder-cache"
        return _ensure(fallback / "reportbuilder" / name, anchor)


def generate_demo(folder: Path, anchor: dt.date) -> None:
    """The generator, imported on first use: slow to import, needed once a day."""
    from .generate_demo import generate_demo as generate

    generate(folder, anchor)


def _ensure(target: Path, anchor: dt.date) -> Path:
    if _complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        generate_demo(staging, anchor)
        if target.exists() and not _complete(target):
            shutil.rmtree(target)  # a damaged cache: replace it
        os.replace(staging, target)
    except OSError:
        if not _complete(target):
            raise
        # another process finished first; its copy is as good as ours
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _complete(folder: Path) -> bool:
    return all((folder / f"{table}.parquet").is_file() for table in TABLES)
