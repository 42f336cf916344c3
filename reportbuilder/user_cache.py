"""Where rb keeps what it can rebuild (demo data, results): the user's cache folder.

`$RB_CACHE_DIR`, else `$XDG_CACHE_HOME`, else `~/.cache`; rb's files go under
`<that>/reportbuilder/`.
"""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    for variable in ("RB_CACHE_DIR", "XDG_CACHE_HOME"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    return Path.home() / ".cache"


def compiled_dir() -> Path:
    """Where rebuildable compile products live (parsed catalog SQL, digests of valid specs)."""
    chosen = os.environ.get("RB_COMPILE_CACHE_DIR")
    return Path(chosen) if chosen else cache_root() / "reportbuilder" / "compiled"
