"""Modules generated at build time from a file they stand for (the expression parser from the
grammar, the spec validator from the schema): each is stamped with its source's digest, so
a test fails when the source changed and the module was not generated again."""
from __future__ import annotations

import hashlib
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stamped_digest(source: str, stamp: str) -> str | None:
    """The digest on the line starting with `stamp` among the first lines of a generated module."""
    for line in source.splitlines()[:5]:
        if line.startswith(stamp):
            return line[len(stamp):].strip()
    return None


def write_module(target: Path, text: str) -> None:
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
