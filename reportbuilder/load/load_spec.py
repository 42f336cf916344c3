"""Stage `load`: spec text -> RawSpec (positioned YAML, structurally valid).

Example:
    >>> raw = load_spec_text("source: tickets\\nmeasures: [count() as n]\\n", "s.yaml")
    >>> raw.root.get("source").value
    'tickets'
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import Diagnostic, Span, SpecError
from ..locate import MAX_SPEC_BYTES, read_limited  # noqa: F401 - re-exported
from .valid_specs import known_valid, remember_valid
from .yaml_nodes import YamlError, YList, YMap, parse_yaml, to_plain



@dataclass(frozen=True)
class RawSpec:
    """A structurally valid spec: the positioned YAML tree and the text it came from."""

    root: YMap
    file: str
    text: str
    stem: str


@lru_cache(maxsize=1)
def spec_schema() -> dict:
    """The JSON Schema of a report spec (also shipped for editors)."""
    return json.loads(resources.files("reportbuilder.load").joinpath("spec.schema.json").read_text())


def decode_spec(data: bytes, file: str) -> str:
    """Bytes -> text, with a positioned error for oversize or non-UTF-8 input."""
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError((Diagnostic("spec-too-large", f"the spec is larger than the limit of "
                                    f"{MAX_SPEC_BYTES:,} bytes", Span(file, 1, 1)),))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SpecError((Diagnostic("not-utf8", f"the spec is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                                    Span(file, line, column)),)) from None


def load_spec_file(path: Path, file_label: str | None = None) -> RawSpec:
    label = file_label or str(path)
    try:
        data = read_limited(path)
    except OSError as exc:
        raise SpecError((Diagnostic("spec-not-found", f"cannot read spec: {exc.strerror}", Span(label, 1, 1)),))
    return load_spec_text(decode_spec(data, label), label, path.stem)


def load_spec_text(text: str, file: str, stem: str = "report") -> RawSpec:
    try:
        root = parse_yaml(text, file)
    except YamlError as exc:
        raise SpecError((exc.diagnostic,)) from None
    if not isinstance(root, YMap):
        kind = "empty" if root is None else ("a list" if isinstance(root, YList) else "a single value")
        span = Span(file, 1, 1) if root is None else root.span
        raise SpecError((Diagnostic("spec-not-mapping", f"a spec is a mapping of keys (source:, measures:, "
                                    f"...); this file is {kind}", span),))
    if not known_valid(text):  # a spec checked valid before is not checked again (valid_specs.py)
        problems = schema_problems(root, file)
        if problems:
            raise SpecError(tuple(problems))
        remember_valid(text)
    return RawSpec(root, file, text, stem)


def node_at(root, path) -> object:
    """The positioned node at a JSON path (keys and list indexes)."""
    node = root
    for step in path:
        if isinstance(node, YMap) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, YList) and isinstance(step, int) and step < len(node.items):
            node = node.items[step]
        else:
            break
    return node


def _unknown_keys(error, node) -> list[Diagnostic]:
    allowed = sorted(error.schema.get("properties", {}))
    out = []
    for key, _ in node.items:
        if key.value in allowed:
            continue
        close = difflib.get_close_matches(key.value, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(allowed)}"
        out.append(Diagnostic("unknown-key", f"unknown key '{key.value}'; {hint}", key.span, hint,
                              tuple(close)))
    return out


def _describe(error) -> str:
    where = error.absolute_path[-1] if error.absolute_path else "spec"
    if error.validator in ("oneOf", "anyOf"):
        return f"'{where}' has the wrong shape"
    if error.validator == "maxItems":
        return f"'{where}' has {len(error.instance):,} items; at most {error.validator_value} are allowed"
    if error.validator == "enum":
        return f"'{where}' must be one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "required":
        return f"missing required key {error.message.split()[0]}"
    return f"'{where}': {error.message}"


def _most_specific(error):
    """For a oneOf failure, the error of the alternative the author most likely meant."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        candidates = [e for e in error.context if e.validator != "type"]
        if not candidates:
            return error
        rank = {"additionalProperties": 0, "required": 1}
        error = min(candidates, key=lambda e: (rank.get(e.validator, 2), -len(e.absolute_path)))
    return error


def fast_valid(plain) -> bool:
    """Whether the schema compiled to Python (spec_validator.py, no jsonschema import) accepts the
    spec; False also when it is unsure (its regexes are stricter): jsonschema then decides."""
    from .spec_validator import validate

    try:
        validate(plain)
    except (ValueError, TypeError):
        return False
    return True


def schema_problems(root: YMap, file: str) -> list[Diagnostic]:
    plain = to_plain(root)
    if fast_valid(plain):
        return []
    import jsonschema  # slow to import: only for specs the compiled schema rejects

    validator = jsonschema.Draft202012Validator(spec_schema())
    problems = []
    for error in sorted(validator.iter_errors(plain), key=lambda e: list(map(str, e.absolute_path))):
        error = _most_specific(error)
        node = node_at(root, error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(node, YMap):
            problems += _unknown_keys(error, node)
            continue
        span = getattr(node, "span", None) or Span(file, 1, 1)
        problems.append(Diagnostic("invalid-spec", _describe(error), span))
    return problems
