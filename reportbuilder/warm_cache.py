"""The warm path: a command repeated with the same inputs skips loading, checking and building.

`rb run`, `rb sql` and `rb validate` of one report keep what they computed (the SQL and the
columns the renderer needs, the printed SQL, an "ok") in one small JSON file named by a
SHA-256 of every input that can change it, found here without parsing anything:
- the command and its options (range, from/to, now, timezone, filters, --as, dialect, ...),
- the spec's resolved path and bytes (as many as the loader reads: a larger file is refused
  by the full command and never kept), the workspace file's resolved path and bytes,
- rb's version and package folder, the shipped catalog files and the installed sqlglot and
  duckdb packages (path, size, times of each),
- the working folder (relative paths), every `RB_*` variable, `XDG_CACHE_HOME` and `HOME`
  (the data path, the demo data's folder, the cache folders),
- today's UTC date: the demo data's `now` (noon today) and every relative range follow it.
An entry is written only when the report's `now` is pinned (--now, RB_NOW, the workspace's
`now`, the demo data) or, for `rb run`, when the compile never read the wall clock's `now`
(watched_now.py): otherwise its range bounds and SQL may hold that instant. A compile that read
only now's local date in some zones (a day-granular preset, `today()`) is kept with those
`dates` ([zone, ISO date] pairs) and read back only while each is still the wall clock's date in
its zone (checked with zoneinfo alone). A key that does not match is simply a miss (the
command runs in full); any trouble with the folder is a miss too, never an error.

A warm `rb run` also needs the answer from the result cache (run/result_cache.py): its entry
keeps the views' SQL and the database files of the connection, so the result key is computed
from file fingerprints taken now, and the data path's own stat must match (a file added to
a data folder can change which file a view reads). With both hits, neither sqlglot nor duckdb
is imported.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone
from importlib.util import find_spec as find_module
from pathlib import Path

from . import __version__
from .locate import find_spec, find_workspace, read_limited
from .user_cache import compiled_dir

_ENV = ("XDG_CACHE_HOME", "HOME")


def command_key(command: str, spec: str, workspace: Path | None, options: dict) -> str | None:
    """The key of `command` on `spec` with `options` (JSON-able), or None when the spec cannot be found
    or read (the full command then reports why) or RB_NO_COMPILE_CACHE is set (to anything but 0)."""
    from .errors import SpecError

    if os.environ.get("RB_NO_COMPILE_CACHE", "") not in ("", "0"):
        return None
    try:
        spec_path = find_spec(spec)
        workspace = workspace if workspace is not None else find_workspace(spec)
        parts = {
            "command": command, "options": options, **install_parts(("sqlglot", "duckdb")),
            "spec": [str(spec_path.resolve()), hashlib.sha256(read_limited(spec_path)).hexdigest()],
            "workspace": [str(workspace.resolve()), file_digest(workspace)] if workspace is not None else None,
        }
    except (SpecError, OSError, ValueError):
        return None
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def install_parts(packages: tuple[str, ...]) -> dict:
    """What every kept entry's key holds besides its own inputs: rb's version and folder, the installed
    `packages` and the shipped catalog files (stamps), the working folder, every `RB_*` variable,
    `XDG_CACHE_HOME`, `HOME`, and today's UTC date."""
    return {
        "rb": [__version__, str(Path(__file__).parent)], "packages": [_stamp(name) for name in packages],
        "catalog": [_file_stamp(path) for path in sorted((Path(__file__).parent / "catalog").glob("*.yaml"))],
        "cwd": os.getcwd(), "env": sorted((k, v) for k, v in os.environ.items() if k.startswith("RB_") or k in _ENV),
        "today": datetime.now(timezone.utc).date().isoformat(),
    }


def write_atomic(path: Path, raw: bytes) -> None:
    """Write `raw` to `path` through a staging file in its folder, so no reader sees half of it."""
    handle, staging = tempfile.mkstemp(prefix=".entry-", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(raw)
    os.replace(staging, path)


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _file_stamp(path) -> list:
    stat = os.stat(path)
    return [str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _stamp(package: str) -> list | None:
    """Where the package is installed and its __init__'s stamp, found without importing it."""
    spec = find_module(package)
    return _file_stamp(spec.origin) if spec is not None and spec.origin else None


def path_stamp(path: Path) -> list | None:
    """A path's stamp, or None when it cannot be read (a folder's changes when a file is added,
    removed or renamed in it)."""
    try:
        return _file_stamp(path)
    except OSError:
        return None


def _entry_path(key: str) -> Path:
    return compiled_dir() / "commands" / f"{key}.json"


def read(key: str | None) -> dict | None:
    """The entry stored under `key`, None when there is none (or it is damaged)."""
    if key is None:
        return None
    try:
        entry = json.loads(_entry_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry if dates_hold(entry.get("dates") or (), datetime.now(timezone.utc)) else None


def dates_hold(dates, now_utc: datetime) -> bool:
    """True when each (zone, ISO date) of `dates` is the local date in its zone at the instant `now_utc`
    (aware, or naive UTC): an entry kept for those local dates still applies."""
    if not dates:
        return True
    from zoneinfo import ZoneInfo

    instant = now_utc if now_utc.tzinfo is not None else now_utc.replace(tzinfo=timezone.utc)
    try:
        return all(instant.astimezone(ZoneInfo(zone)).date().isoformat() == day for zone, day in dates)
    except (KeyError, TypeError, ValueError, OSError):  # a damaged or foreign entry: a miss
        return False


def write(key: str | None, entry: dict) -> None:
    """Store `entry` under `key` (atomically; nothing on any trouble)."""
    if key is None:
        return
    path = _entry_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({**entry, "key": key}, ensure_ascii=False).encode("utf-8"))
    except (OSError, TypeError, ValueError):
        return
