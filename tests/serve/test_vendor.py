"""The vendored front-end files are exactly those the lock file pins (sha256 each), and the
vendoring script pins the same release; the pages link them locally, never a CDN."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import reportbuilder.serve

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "vendor_codemirror.py"
_spec = importlib.util.spec_from_file_location("vendor_codemirror", SCRIPT)
vendor_codemirror = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vendor_codemirror)
FOLDER = Path(reportbuilder.serve.__file__).parent / "static" / "vendor" / "codemirror"


def test_codemirror_files_match_the_lock():
    lines = (FOLDER / "LOCK").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# codemirror@{vendor_codemirror.VERSION} {vendor_codemirror.INTEGRITY}"
    pinned = dict(reversed(line.split("  ", 1)) for line in lines[1:])
    assert sorted(pinned) == sorted(vendor_codemirror.FILES)
    for name, digest in pinned.items():
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == digest, name
    assert (FOLDER / "LOCK").read_text(encoding="utf-8") == vendor_codemirror.lock_text(FOLDER)
    assert "MIT" in (FOLDER / "LICENSE").read_text(encoding="utf-8")
