"""The compiled spec schema (load/spec_validator.py) never accepts what jsonschema rejects.

A spec it accepts skips jsonschema (and its import); one it rejects is checked by jsonschema,
whose errors give the messages. So the one property that matters: accepted by the compiled
schema => valid for jsonschema. Checked on every shipped, example and golden spec and on
each of them with every top-level value replaced by values of every JSON type. Also: the
module is stamped with the schema it was generated from (regenerate with
`python -m reportbuilder.load.build_validator`).
"""
from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from reportbuilder.generated import digest, stamped_digest
from reportbuilder.load import build_validator
from reportbuilder.load.load_spec import fast_valid, load_spec_text, spec_schema
from reportbuilder.load.yaml_nodes import parse_yaml, to_plain

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(p for folder in ("specs", "examples", "tests/golden/specs") for p in (ROOT / folder).rglob("*.yaml")
               if p.name != "rb.yaml" and "dashboards" not in p.parts and "kind: dashboard" not in p.read_text())
VALUES = (None, 0, -1, 1.5, 10**9, True, "", "x", "bad name", [], ["x"], [1], [{}], {}, {"a": 1}, {"field": "x"})
REGENERATE = "load/spec.schema.json changed: run `python -m reportbuilder.load.build_validator`"


def _plain(path: Path):
    """The spec as the loader hands it to the schema check."""
    return to_plain(parse_yaml(path.read_text(encoding="utf-8"), str(path)))


def _jsonschema_valid(plain) -> bool:
    return not any(jsonschema.Draft202012Validator(spec_schema()).iter_errors(plain))


def test_generated_validator_is_stamped_with_the_current_schema():
    source = build_validator.TARGET.read_text(encoding="utf-8")
    assert stamped_digest(source, build_validator.STAMP) == digest(build_validator.schema_bytes()), REGENERATE


def test_generated_validator_is_what_the_generator_writes():
    pytest.importorskip("fastjsonschema")  # a development dependency
    assert build_validator.TARGET.read_text(encoding="utf-8") == build_validator.generate(), REGENERATE


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_shipped_spec_is_accepted_without_jsonschema(path):
    plain = _plain(path)
    assert _jsonschema_valid(plain) and fast_valid(plain)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_accepted_means_valid_for_jsonschema(path):
    base = _plain(path)
    rejected = 0
    for key in sorted(set(base) | {"limit", "sort", "date_range", "unknown_key"}):
        for value in VALUES:
            plain = {**base, key: value}
            if fast_valid(plain):
                assert _jsonschema_valid(plain), (key, value)
            else:
                rejected += 1
    without_source = {k: v for k, v in base.items() if k != "source"}
    assert not fast_valid(without_source) and not _jsonschema_valid(without_source)
    assert rejected > 0  # the mutations did reach the validator's refusals


def test_a_pattern_is_checked_more_strictly_and_jsonschema_decides():
    """fastjsonschema anchors `$` at the very end; jsonschema's `re.search` lets a final newline
    through. The compiled check says no, jsonschema says yes: the spec is valid, as before."""
    plain = {"source": "tickets", "name": "report\n"}
    assert not fast_valid(plain) and _jsonschema_valid(plain)
    assert load_spec_text("source: tickets\nname: \"report\\n\"\nmeasures: [count() as n]\n", "s.yaml").root
