"""The values a dashboard filter can take on the report page: the distinct values of the
filter's path among the rows of the report's source that the user may see.

Each list is a small report (`source`, one dimension along the path, `count()`) planned
and run as the user, so access rules hide what `rb run --as` hides; values come back
through the engine, never pasted into SQL.

`ChoicesCache` keeps the lists in process, keyed like the result cache (`run/result_cache.py`):
by what they depend on (the filter paths, the time zone, the user's restriction as SQL, the
workspace files' stamp) and a fingerprint (size, mtime, ctime, inode) of every data file, so a
page load runs no query when nothing changed and a changed data file is never answered from it.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path

import yaml

MAX_CHOICES = 500
CACHED_KEYS = 64


def filter_choices(fields: dict[str, tuple[str, str]], run_spec) -> dict[str, list[str]]:
    """{key: sorted distinct non-null values} for each {key: (source, path)}; `run_spec(raw)`
    runs a loaded spec as the user and returns its Result. A filter whose path reads a table
    the data does not have gets no list (the page offers no choice for it)."""
    from ..errors import MissingTableError
    from ..load.load_spec import load_spec_text

    found = {}
    for key, (source, path) in fields.items():
        doc = {"source": source, "dimensions": [{"field": path, "as": "value"}],
               "measures": ["count() as n"], "sort": ["value"], "limit": MAX_CHOICES}
        raw = load_spec_text(yaml.safe_dump(doc, sort_keys=False), f"<{key} values>", f"{key}_values")
        try:
            result = run_spec(raw)
        except MissingTableError:
            continue
        found[key] = [str(row[0]) for row in result.rows if row[0] is not None]
    return found


def catalog_fields(catalog, keys) -> dict[str, tuple[str, str]]:
    """For a dashboard: each filter key's shortest path in the catalog, from the entity that names it
    (owner: owners.name, company: companies.name, channel_account: calls.phone_number, ...)."""
    found = {}
    for entity in catalog.entities:
        for key, path in entity.dashboard_filters:
            if key in keys and path and (key not in found or path.count(".") < found[key][1].count(".")):
                found[key] = (entity.name, path)
    return {key: found[key] for key in keys if key in found}


def data_fingerprint(data_path) -> list | None:
    """The fingerprint of every file under `data_path` (a folder of tables or one database file, with
    its WAL); None when it names no local file or folder (such data is not cached)."""
    from ..run.result_cache import fingerprints

    path = Path(str(data_path))
    if path.is_dir():
        return fingerprints(str(p) for p in path.rglob("*") if p.is_file())
    if path.is_file():
        return fingerprints([str(path), f"{path}.wal"])
    return None


def restriction_key(restriction) -> list:
    """The user's restriction as the SQL of each restricted table (None: everything)."""
    from ..emit.dialects import to_dialect

    return [] if restriction is None else [[table, to_dialect(select, "duckdb", pretty=False)] for table, select in restriction.views]


class ChoicesCache:
    """The last CACHED_KEYS answers of `filter_choices`, least recently used dropped first."""

    def __init__(self, size: int = CACHED_KEYS):
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, dict] = OrderedDict()

    def get(self, depends_on, data_path, compute) -> dict[str, list[str]]:
        """`compute()`'s lists, kept under `depends_on` (JSON-able) and the data's fingerprint."""
        found = data_fingerprint(data_path)
        if found is None:
            return compute()
        key = hashlib.sha256(json.dumps([depends_on, found], default=str).encode("utf-8")).hexdigest()
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = compute()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value
