"""Answers that are not recomputed: rows of a query, kept on disk, keyed by all they depend on.

The key is a SHA-256 of: rb's and DuckDB's versions, the compiled SQL, the SQL of every
view on the connection (anything that changes what a view returns, such as a restricted
view's condition, changes the key), and a fingerprint of every file those views read
(each path quoted in a view, and each attached database file with its WAL): path, size,
modification time, change time and inode. A file rewritten in place, even to the same
size and with its modification time set back, has a new change time: an old answer is
never served for changed data. A query that calls a clock or random function is not
cached.

Entries are JSON files (no pickle: nothing read back can run code) in
`$RB_RESULT_CACHE_DIR`, else `<user cache>/reportbuilder/results` (see `user_cache.py`).
The folder is bounded (`$RB_RESULT_CACHE_MB`, default 256 MB): after a write, the least
recently used entries (a hit refreshes an entry's time) are removed until it fits.
Any trouble with the folder makes the cache a no-op, never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from .. import __version__
from ..user_cache import cache_root

DEFAULT_MB = 256
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_VOLATILE = re.compile(r"\b(now|current_timestamp|current_date|current_time|get_current_time|random|uuid|"
                       r"gen_random_uuid|today|localtimestamp|transaction_timestamp)\b", re.IGNORECASE)
_VIEWS = "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
_DATABASES = "SELECT path FROM duckdb_databases() WHERE path IS NOT NULL ORDER BY path"

Rows = list


def default_dir() -> Path:
    chosen = os.environ.get("RB_RESULT_CACHE_DIR")
    return Path(chosen) if chosen else cache_root() / "reportbuilder" / "results"


def _limit_bytes() -> int:
    try:
        return int(float(os.environ.get("RB_RESULT_CACHE_MB", DEFAULT_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MB * 1024 * 1024


class ResultCache:
    """Rows of earlier runs in `folder`, at most `max_bytes` of them."""

    def __init__(self, folder: Path | None = None, max_bytes: int | None = None):
        self.folder = Path(folder) if folder is not None else default_dir()
        self.max_bytes = _limit_bytes() if max_bytes is None else max_bytes
        self.state: dict | None = None  # of the last connection `rows` keyed on

    def cached(self, key: str) -> Rows | None:
        """The rows stored under `key` (from `state_key`), None when there are none."""
        return self._read(key)

    def rows(self, con, sql: str, compute: Callable[[], Rows]) -> Rows:
        """The rows of `sql` on `con`: from the cache when nothing they depend on changed, else `compute()`."""
        import duckdb

        self.state = connection_state(con)
        key = state_key(sql, self.state, duckdb.__version__)
        if key is None:
            return compute()
        found = self._read(key)
        if found is not None:
            return found
        rows = compute()
        self._write(key, rows)
        return rows

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _read(self, key: str) -> Rows | None:
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
            if entry.get("key") != key:
                return None
            os.utime(path)  # most recently used
            return [tuple(row) for row in entry["rows"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _write(self, key: str, rows: Rows) -> None:
        try:
            encoded = [[_encode(value) for value in row] for row in rows]
        except TypeError:  # a value JSON cannot keep exactly: not cached
            return
        text = json.dumps({"key": key, "rows": encoded}, ensure_ascii=False)
        if len(text) > self.max_bytes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(prefix=".entry-", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(staging, self._path(key))
            self._evict()
        except OSError:
            return

    def _evict(self) -> None:
        """Remove least recently used entries until the folder fits in max_bytes."""
        entries = []
        for path in self.folder.glob("*.json"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size


def cache_key(con, sql: str) -> str | None:
    """The key of `sql`'s answer on `con`, or None when it must not be cached."""
    import duckdb

    return state_key(sql, connection_state(con), duckdb.__version__)


def connection_state(con) -> dict:
    """What of `con` an answer depends on besides its SQL: the views' SQL and the attached database files
    (kept by the warm path, warm_cache.py, to find the answer again without opening the data)."""
    return {"views": [list(row) for row in con.execute(_VIEWS).fetchall()],
            "databases": [path for (path,) in con.execute(_DATABASES).fetchall()]}


def state_key(sql: str, state: dict, duckdb_version: str) -> str | None:
    """The key of `sql`'s answer over the views and databases of `state` (files fingerprinted now)."""
    views = [tuple(view) for view in state["views"]]
    if _volatile(sql) or any(_volatile(text or "") for _, text in views):
        return None
    paths = {p.replace("''", "'") for _, text in views for p in _QUOTED.findall(text or "")}
    for database in state["databases"]:
        paths |= {database, database + ".wal"}
    digest = hashlib.sha256()
    for part in (__version__, duckdb_version, sql, json.dumps(views), json.dumps(fingerprints(paths))):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _volatile(sql: str) -> bool:
    """Whether `sql` calls a clock or random function (words inside string literals, such as paths, do not count)."""
    return _VOLATILE.search(_QUOTED.sub("''", sql)) is not None


def fingerprints(paths) -> list:
    """(path, size, mtime_ns, ctime_ns, inode) of each quoted text that names a file, `missing` marks the rest."""
    found = []
    for path in sorted(paths):
        try:
            stat = os.stat(path)
        except (OSError, ValueError):
            found.append((path, "missing"))
            continue
        found.append((path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    return found


_PLAIN = (str, bool, int, float, type(None))


def _encode(value):
    """A value as JSON that decodes to an equal value of the same type; TypeError for any other."""
    if type(value) in _PLAIN:
        return value
    if type(value) is datetime and value.tzinfo is None:
        return {"datetime": value.isoformat()}
    if type(value) is date:
        return {"date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(obj: dict):
    if obj.keys() == {"datetime"}:
        return datetime.fromisoformat(obj["datetime"])
    if obj.keys() == {"date"}:
        return date.fromisoformat(obj["date"])
    return obj
