"""Catalog SQL parsed once: sqlglot trees kept as JSON in the user's cache.

Parsing the catalog's derived SQL (and importing sqlglot's DuckDB parser to do it) was
about a fifth of every `rb run`. Each tree is stored under the digest of its text and of
rb's and sqlglot's versions, in sqlglot's own JSON form (`sqlglot.serde`); loading it back
needs no parser. Only sqlglot classes are accepted from a file (anything else, or a damaged
file: the text is parsed again). Any trouble with the folder only means parsing again.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile

import sqlglot
from sqlglot import serde

from .. import __version__
from ..user_cache import compiled_dir


def parse_duckdb(text: str):
    """`sqlglot.parse_one(text, read="duckdb")`, from the cache when this text was parsed before."""
    digest = hashlib.sha256(f"{__version__}\0{sqlglot.__version__}\0{text}".encode("utf-8")).hexdigest()
    path = compiled_dir() / "sql" / f"{digest}.json"
    tree = _read(path)
    if tree is None:
        tree = sqlglot.parse_one(text, read="duckdb")
        _write(path, tree)
    return tree


def _read(path):
    try:
        payloads = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(payloads, list) or not all(_trusted(p) for p in payloads):
        return None
    try:
        return serde.load(payloads)
    except Exception:  # noqa: BLE001 - a damaged entry is a cache miss
        return None


def _trusted(payload) -> bool:
    """A payload that names no class outside sqlglot (serde imports the module a dotted name gives)."""
    if not isinstance(payload, dict):
        return False
    name = payload.get(serde.CLASS)
    nested = payload.get(serde.TYPE)
    return ((name is None or name == serde.DATA_TYPE
             or (isinstance(name, str) and ("." not in name or name.startswith("sqlglot."))))
            and (nested is None or (isinstance(nested, list) and all(_trusted(p) for p in nested))))


def _write(path, tree) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=".tree-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(serde.dump(tree), out)
        os.replace(staging, path)
    except (OSError, TypeError, ValueError):
        return
