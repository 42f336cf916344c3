"""Reopening an unchanged dashboard: its rendered page, kept whole, is written again without
loading, checking, running or drawing anything (neither sqlglot, duckdb nor altair is imported).

`rb dashboard` keeps the page it wrote (and its warnings) when every panel succeeded and its
`now` is pinned (--now, RB_NOW, the workspace's `now`, the demo data: a wall-clock `now` moves
every relative range). The entry is found by a SHA-256 of what the page is made from, taken
without parsing anything:
- the command's options (range, from/to, now, timezone, filters, --as, format, insights, engine),
- the dashboard file's resolved path and bytes, the workspace file's path and bytes,
- rb's version and package folder, the shipped catalog files, and the installed sqlglot, duckdb,
  altair and vl-convert packages (path, size, times),
- the working folder, every `RB_*` variable, `XDG_CACHE_HOME`, `HOME`, and today's UTC date
  (the demo data's `now` and its folder follow it).
The entry then names what was found while running: each report spec's path and bytes, and
every file under the data path (path, size, modification and change times, inode; the
folder's own stat, which changes when a file is added or removed). All are checked before the
page is served: a changed spec or data file is a miss, and the dashboard runs in full.

Entries live in `<result cache folder>/dashboards` (run/result_cache.py), the page beside its
JSON entry; the most recent `KEEP` are kept. `--no-cache` neither reads nor writes them. Any
trouble with the folder is a miss, never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from reportbuilder.locate import builtin_names, builtin_path, find_workspace
from reportbuilder.run.result_cache import default_dir, fingerprints
from reportbuilder.warm_cache import file_digest, install_parts, write_atomic  # keyed as `rb run`'s

KEEP = 16
_PACKAGES = ("sqlglot", "duckdb", "altair", "vl_convert")


@dataclass(frozen=True)
class Reopened:
    """A kept page: its text (html) or bytes (png), and the warnings the run printed."""

    page: str | bytes
    warnings: tuple[str, ...]


def reopen_key(dash: str, workspace: Path | None, options: dict) -> str | None:
    """The key of dashboard `dash` rendered with `options` (JSON-able), None when it cannot be found."""
    board = _dashboard_file(dash)
    if board is None:
        return None
    try:
        workspace = workspace if workspace is not None else find_workspace(dash)
        parts = {
            "options": options, **install_parts(_PACKAGES),
            "dashboard": [str(board.resolve()), file_digest(board)],
            "workspace": [str(Path(workspace).resolve()), file_digest(Path(workspace))] if workspace else None,
        }
    except (OSError, ValueError):
        return None
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def reopened(key: str | None) -> Reopened | None:
    """The page kept under `key` when every spec and data file it was made from is unchanged, else None."""
    if key is None:
        return None
    folder = _folder()
    try:
        entry = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        if entry.get("key") != key or entry["specs"] != _spec_digests(entry["spec_paths"]):
            return None
        if entry["data"] != _data_stamp(Path(entry["data_path"])):
            return None
        raw = (folder / f"{key}.page").read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["page_sha256"]:
            return None
        os.utime(folder / f"{key}.json")  # most recently used
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    page = raw.decode("utf-8") if entry.get("text") else raw
    return Reopened(page, tuple(entry.get("warnings", ())))


def remember(key: str | None, page: str | bytes, warnings, spec_paths, data_path: Path) -> None:
    """Keep `page` under `key`, with the specs and data it was made from (nothing on any trouble)."""
    if key is None:
        return
    raw = page.encode("utf-8") if isinstance(page, str) else page
    folder = _folder()
    try:
        paths = [str(Path(p).resolve()) for p in spec_paths]
        entry = {"key": key, "text": isinstance(page, str), "warnings": list(warnings),
                 "spec_paths": paths, "specs": _spec_digests(paths), "data_path": str(Path(data_path).resolve()),
                 "data": _data_stamp(Path(data_path)), "page_sha256": hashlib.sha256(raw).hexdigest()}
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{key}.page", raw)
        write_atomic(folder / f"{key}.json", json.dumps(entry).encode("utf-8"))
        _evict(folder)
    except (OSError, ValueError, TypeError):
        return


def now_pinned(now: str | None, data: str | None, settings: dict) -> bool:
    """Whether the dashboard's `now` is fixed: --now, RB_NOW, the workspace's `now`, or the demo data
    (used when no data path is given anywhere). The same rule as the warm path of `rb run`, kept here
    so that the dashboard needs nothing of `running.py`."""
    demo = not (data or os.environ.get("RB_DATA") or settings.get("data"))
    return bool(now or os.environ.get("RB_NOW") or settings.get("now") is not None or demo)


def _folder() -> Path:
    return default_dir() / "dashboards"


def _dashboard_file(dash: str) -> Path | None:
    """The file `dash` names (as load_dashboard.find_dashboard finds it), without reading it."""
    path = Path(dash)
    if path.is_file():
        return path
    return builtin_path(dash, "dashboards") if dash in builtin_names("dashboards") else None


def _spec_digests(paths) -> list:
    return [[p, file_digest(Path(p))] for p in paths]


def _data_stamp(data_path: Path) -> list:
    """Fingerprints of the data path itself and every file under it (a `.duckdb` file: it and its WAL)."""
    if data_path.is_dir():
        files = [str(data_path)]
        for folder, _, names in os.walk(data_path):
            files += [os.path.join(folder, n) for n in names]
    else:
        files = [str(data_path), f"{data_path}.wal"]
    return [list(stamp) for stamp in fingerprints(files)]  # as JSON reads them back


def _evict(folder: Path) -> None:
    """Keep the KEEP most recently used entries (a page and its JSON)."""
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        for path in (old, old.with_suffix(".page")):
            path.unlink(missing_ok=True)
