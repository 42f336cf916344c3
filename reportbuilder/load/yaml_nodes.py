"""YAML with positions: every key and scalar keeps its line and column.

PyYAML composes a node graph with marks; we turn it into `YMap` / `YList` / `YScalar`
values, refusing what a spec has no use for (tags, huge alias expansions, duplicate keys).
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..errors import Diagnostic, Span

MAX_NODES = 50_000
MAX_DEPTH = 32  # nesting of mappings and lists
MAX_TEXT = 2_000_000  # characters of scalar text, aliases expanded


@dataclass(frozen=True)
class YScalar:
    value: object  # str | int | float | bool | None | date | datetime
    span: Span
    quoted: bool = False  # quoted scalars start one column after the quote
    start: int = 0  # character offsets of the scalar's source text in the file
    end: int = 0


@dataclass(frozen=True)
class YList:
    items: tuple
    span: Span


@dataclass(frozen=True)
class YMap:
    items: tuple  # of (key: YScalar, value: node)
    span: Span

    def get(self, key: str):
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def key(self, key: str) -> YScalar | None:
        for k, _ in self.items:
            if k.value == key:
                return k
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(str(k.value) for k, _ in self.items)


class YamlError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _span(file: str, mark) -> Span:
    return Span(file, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, file: str):
        self.file = file
        self.count = 0
        self.text = 0
        self.constructor = yaml.SafeLoader("")

    def convert(self, node):
        self.count += 1
        if isinstance(node, yaml.ScalarNode):
            self.text += len(node.value)
        if self.text > MAX_TEXT:
            raise YamlError(Diagnostic("spec-too-large", f"the spec expands to more than {MAX_TEXT:,} "
                                       "characters of text (an alias bomb?)", _span(self.file, node.start_mark)))
        if self.count > MAX_NODES:
            raise YamlError(Diagnostic("spec-too-large", f"the spec expands to more than {MAX_NODES} "
                                       "YAML nodes (an alias bomb?)", _span(self.file, node.start_mark)))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return YList(tuple(self.convert(n) for n in node.value), _span(self.file, node.start_mark))
        return self._scalar(node)

    def _scalar(self, node) -> YScalar:
        span = _span(self.file, node.start_mark)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            raise YamlError(Diagnostic("yaml-syntax", f"invalid value: {exc}", span)) from None
        if not isinstance(value, (str, int, float, bool, type(None))) and not hasattr(value, "isoformat"):
            raise YamlError(Diagnostic("yaml-syntax", f"unsupported YAML value {node.tag}", span))
        return YScalar(value, span, node.style in ("'", '"'), node.start_mark.index, node.end_mark.index)

    def _mapping(self, node) -> YMap:
        items, seen = [], set()
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or not isinstance(key.value, (str, int)):
                raise YamlError(Diagnostic("yaml-syntax", "mapping keys must be plain names",
                                           _span(self.file, key_node.start_mark)))
            key = YScalar(str(key.value), key.span, key.quoted)
            if key.value in seen:
                raise YamlError(Diagnostic("duplicate-key", f"duplicate key '{key.value}'", key.span))
            seen.add(key.value)
            items.append((key, self.convert(value_node)))
        return YMap(tuple(items), _span(self.file, node.start_mark))


def _check_events(text: str, file: str) -> None:
    """Refuse deep nesting and self-referring aliases from the event stream, before the
    (recursive) composer and converter see them: an alias to an anchor still open would
    make the node graph a cycle."""
    open_anchors: list = []  # the anchor (or None) of each enclosing mapping or list
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            open_anchors.append(event.anchor)
            if len(open_anchors) > MAX_DEPTH:
                raise YamlError(Diagnostic("spec-too-deep", f"the spec nests lists and mappings deeper than "
                                           f"{MAX_DEPTH} levels", _span(file, event.start_mark)))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            open_anchors.pop()
        elif isinstance(event, yaml.AliasEvent) and event.anchor in open_anchors:
            raise YamlError(Diagnostic("recursive-alias", f"alias *{event.anchor} refers to the list or mapping "
                                       f"it is inside (&{event.anchor}): a recursive value has no meaning in a spec",
                                       _span(file, event.start_mark)))


def _reader_span(exc, file: str, text: str) -> Span:
    """Position of a reader error (e.g. a NUL byte), which carries an offset but no mark."""
    offset = getattr(exc, "position", None)
    if not isinstance(offset, int):
        return Span(file, 1, 1)
    before = text[:offset]
    return Span(file, before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


# PyYAML's problems, in words about the spec's text (a problem not listed keeps PyYAML's words).
_PROBLEMS = (
    ("expected <block end>", "this line is indented differently from the lines above it (indent each "
                             "level by the same number of spaces)"),
    ("mapping values are not allowed", "unexpected ':' (indent the lines under a key further than the "
                                       "key, and quote text that holds ': ')"),
    ("could not find expected ':'", "expected 'key: value' here (check the indentation, or a missing ':')"),
    ("that cannot start any token", "a tab or other character YAML cannot start a value with (indent "
                                    "with spaces; quote text that starts with @, ` or %)"),
    ("expected ',' or ']', but got '<stream end>'", "this '[' is never closed"),
    ("expected ',' or '}', but got '<stream end>'", "this '{' is never closed"),
    ("expected ',' or ']'", "expected ',' or ']' in this [ ] list"),
    ("expected ',' or '}'", "expected ',' or '}' in this { } mapping"),
    ("found unexpected end of stream", "a quote is not closed"),
)


def yaml_problem(exc) -> str:
    """The spec's words for a YAML syntax error."""
    problem = str(exc.problem or exc)
    context = str(exc.context or "")
    for found, words in _PROBLEMS:
        if found in problem or found in context:
            return "invalid YAML: " + words
    return "invalid YAML: " + problem.replace("<", "").replace(">", "")


def parse_yaml(text: str, file: str):
    """Parse one YAML document into positioned nodes (None for an empty document)."""
    try:
        _check_events(text, file)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and ("end of stream" in str(exc.problem) or "<stream end>" in str(exc.problem)):
            # point at what is not closed
            mark = exc.context_mark
        span = _span(file, mark) if mark else Span(file, 1, 1)
        raise YamlError(Diagnostic("yaml-syntax", yaml_problem(exc), span)) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError(Diagnostic("yaml-syntax", f"invalid character in YAML: {exc.reason}",
                                   _reader_span(exc, file, text))) from None
    except yaml.YAMLError as exc:
        raise YamlError(Diagnostic("yaml-syntax", f"invalid YAML: {exc}", Span(file, 1, 1))) from None
    return None if node is None else _Converter(file).convert(node)


def to_plain(node):
    """Positioned nodes -> plain Python values (for JSON Schema validation)."""
    if isinstance(node, YMap):
        return {k.value: to_plain(v) for k, v in node.items}
    if isinstance(node, YList):
        return [to_plain(v) for v in node.items]
    value = node.value if node is not None else None
    return value.isoformat() if hasattr(value, "isoformat") else value
