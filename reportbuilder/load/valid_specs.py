"""Specs already found valid: their structure is not checked against the schema again.

A spec run again unchanged is not converted and checked again (by the schema compiled
to Python, spec_validator.py, or jsonschema for a spec that one rejects). A valid spec leaves an empty
marker file named by the digest of rb's version, the schema and the spec's text in the
user's cache; an invalid one leaves nothing and is checked, with all its messages, every
time. Any trouble with the folder only means checking again.
"""
from __future__ import annotations

import hashlib
from importlib import resources

from .. import __version__
from ..user_cache import compiled_dir


def _marker(text: str):
    schema = resources.files("reportbuilder.load").joinpath("spec.schema.json").read_bytes()
    digest = hashlib.sha256(__version__.encode() + b"\0" + schema + b"\0" + text.encode("utf-8")).hexdigest()
    return compiled_dir() / "valid-specs" / digest


def known_valid(text: str) -> bool:
    return _marker(text).is_file()


def remember_valid(text: str) -> None:
    marker = _marker(text)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        return
