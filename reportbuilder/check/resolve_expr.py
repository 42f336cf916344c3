"""Resolve and type-check one expression of a spec against the catalog.

Field references become `Field`/`EntityRef` along relationship paths, derived fields and
named measures are expanded in place, aggregates get the grain they are computed at.
Problems raise `Problem` with a diagnostic that points at the offending spot.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Callable

from ..catalog.model import Catalog
from ..errors import Diagnostic, Span
from ..expr import ast
from ..expr.parse_expr import ExprSyntaxError, parse_expression
from ..expr.scalars import SECONDS_BETWEEN
from . import functions as fn
from ..catalog.join_graph import entity_at, is_functional, shortest_paths
from .literals import midnight_utc, parse_interval, parse_moment
from .resolved import Agg, Const, EntityRef, Field, OutputRef

ROW, MEASURE, HAVING = "row", "measure", "having"
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")


class Problem(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Scope:
    catalog: Catalog
    source: str
    tz: str
    now_utc: datetime
    locate: Callable[[tuple[int, int]], Span]
    outputs: tuple[tuple[str, str], ...] = ()  # (name, type) visible to `having`
    measures: tuple[str, ...] = ()  # the spec's own measure names (a filter on one is told to use having)
    hidden: frozenset = frozenset()  # (entity, field) the viewer may not read


@lru_cache(maxsize=256)
def _parse_catalog_expr(text: str):
    return parse_expression(text)


def suggest(name: str, candidates) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6))


class Resolver:
    """Resolves expressions in one scope; `mode` says where the expression stands."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.catalog = scope.catalog

    # -- entry points -------------------------------------------------------------
    def resolve(self, node, mode: str, prefix: tuple = ()):
        return self._resolve(node, mode, prefix, False, ())

    def fail(self, code: str, message: str, pos, suggestions=(), hint=None):
        if suggestions and not hint:
            hint = "did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
        text = f"{message}; {hint}" if hint else message
        raise Problem(Diagnostic(code, text, self.scope.locate(pos), hint, tuple(suggestions)))

    # -- dispatch -----------------------------------------------------------------
    def _resolve(self, node, mode, prefix, in_agg, expanding):
        args = (mode, prefix, in_agg, expanding)
        if isinstance(node, ast.Literal):
            return self._literal(node)
        if isinstance(node, ast.FieldRef):
            return self._field_ref(node, *args)
        if isinstance(node, ast.Call):
            return self._call(node, *args)
        if isinstance(node, ast.Unary):
            return self._unary(node, *args)
        if isinstance(node, ast.Binary):
            return self._binary(node, *args)
        if isinstance(node, ast.InList):
            return self._in_list(node, *args)
        if isinstance(node, ast.Between):
            return self._between(node, *args)
        if isinstance(node, ast.IsNull):
            operand, _ = self._resolve(node.operand, *args)
            return replace(node, operand=operand), "boolean"
        if isinstance(node, ast.Case):
            return self._case(node, *args)
        raise TypeError(node)

    def _literal(self, node):
        if node.kind == "number":
            return Const(node.value, "integer" if isinstance(node.value, int) else "number", node.pos), \
                "integer" if isinstance(node.value, int) else "number"
        if node.kind == "interval":
            if parse_interval(node.value) is None:
                self.fail("bad-interval", f"'{node.value}' is not an interval such as '7 days' or "
                          "'2 hours 30 minutes'", node.pos)
            return Const(node.value, "interval", node.pos), "interval"
        kind = {"string": "text", "boolean": "boolean", "null": "null"}[node.kind]
        return Const(node.value, kind, node.pos), kind

    # -- names --------------------------------------------------------------------
    def _field_ref(self, node, mode, prefix, in_agg, expanding):
        if mode == HAVING:
            return self._output_ref(node)
        if mode == MEASURE and not in_agg and len(node.path) == 1 and self.catalog.measure(node.path[0]):
            return self.expand_measure(node.path[0], node.pos, prefix, expanding)
        target = self.resolve_path(node.path, prefix, node.pos)
        if isinstance(target, Field) and (target.entity, target.column.name) in self.scope.hidden:
            self.fail("hidden-field", f"{target.entity}.{target.column.name} is hidden from your role",
                      node.pos)
        if isinstance(target, EntityRef):
            self.fail("entity-not-value", f"'{node.dotted}' names rows of {target.entity}, not a value; "
                      f"use it as count({node.dotted})", node.pos)
        if mode == MEASURE and not in_agg:
            self.fail("field-outside-aggregate", f"'{node.dotted}' is not aggregated: a measure must "
                      f"aggregate its fields, e.g. sum({node.dotted}) or count_distinct({node.dotted})",
                      node.pos)
        if target.column.expr is not None:
            return self._expand_field(target, node, mode, in_agg, expanding)
        return target, target.type

    def _output_ref(self, node):
        names = dict(self.scope.outputs)
        if len(node.path) == 1 and node.path[0] in names:
            return OutputRef(node.path[0], names[node.path[0]], node.pos), names[node.path[0]]
        self.fail("unknown-column", f"'{node.dotted}' is not a column of the report (having works on "
                  "the report's dimensions and measures)", node.pos, suggest(node.dotted, names))

    def _expand_field(self, field, node, mode, in_agg, expanding):
        key = (field.entity, field.column.name)
        if key in expanding:
            self.fail("recursive-definition", f"derived field {field.entity}.{field.column.name} refers "
                      "to itself", node.pos)
        try:
            body = _parse_catalog_expr(field.column.expr)
            return self._resolve(_at(body, node.pos), ROW if mode == ROW else mode, field.path,
                                 in_agg, expanding + (key,))
        except ExprSyntaxError as exc:
            self.fail("bad-catalog", f"derived field {key[0]}.{key[1]} is invalid: {exc}", node.pos)

    def expand_measure(self, name, pos, prefix, expanding):
        """A named measure of the catalog, computed over its entity reached from `prefix`."""
        measure = self.catalog.measure(name)
        if ("measure", name) in expanding:
            self.fail("recursive-definition", f"measure '{name}' refers to itself", pos)
        here = entity_at(self.catalog, self.scope.source, prefix)
        paths = shortest_paths(self.catalog, here, measure.entity)
        if len(paths) != 1:
            self.fail("ambiguous-join-path" if paths else "no-join-path",
                      self._path_problem(measure.entity, here, paths) + f" for measure '{name}'", pos)
        try:
            body = _parse_catalog_expr(measure.expr)
        except ExprSyntaxError as exc:
            self.fail("bad-catalog", f"measure '{name}' is invalid: {exc}", pos)
        return self._resolve(_at(body, pos), MEASURE, prefix + paths[0], False,
                             expanding + (("measure", name),))

    def _path_problem(self, target, here, paths):
        if not paths:
            return f"no relationship path leads from {here} to {target}"
        listed = ", ".join(".".join(p) for p in paths)
        return (f"'{target}' is reachable from {here} by {len(paths)} equally short paths ({listed}); "
                "write the path you mean")

    def resolve_path(self, segments, prefix, pos):
        """A dotted name -> Field (a column) or EntityRef (rows of an entity)."""
        entity = entity_at(self.catalog, self.scope.source, prefix)
        path = list(prefix)
        offset = 0
        for i, seg in enumerate(segments):
            last = i == len(segments) - 1
            ent = self.catalog.entity(entity)
            here = (pos[0], pos[1] + offset)
            if last and ent.column(seg):
                return Field(tuple(path), ent.column(seg), entity, pos)
            rel = ent.relationship(seg)
            if rel is None and i == 0 and self.catalog.entity(seg) is not None:
                paths = shortest_paths(self.catalog, entity, seg)
                if len(paths) != 1:
                    code = "ambiguous-join-path" if paths else "no-join-path"
                    self.fail(code, self._path_problem(seg, entity, paths), here)
                path += paths[0]
                entity = seg
            elif rel is not None:
                path.append(seg)
                entity = rel.target
            else:
                self._unknown(seg, ent, i == 0, last, here, segments)
            if last:
                return EntityRef(tuple(path), entity, pos)
            offset += len(seg) + 1
        raise AssertionError("unreachable")

    def _unknown(self, seg, ent, first, last, pos, segments):
        if first and last and seg in self.scope.measures:
            self.fail("aggregate-not-allowed", f"'{seg}' is a measure of this report: filters keep rows before "
                      f"they are counted; to keep groups by their {seg}, use having: [{seg} ...]", pos)
        if first and last and self.catalog.measure(seg):
            self.fail("aggregate-not-allowed", f"'{seg}' is a measure (an aggregate): use it under measures, "
                      "and filter on it with having", pos)
        names = [r.name for r in ent.relationships]
        if last:
            names += [c.name for c in ent.columns]
        if first:
            names += list(self.catalog.entity_names)
            names += [m.name for m in self.catalog.measures]
        what = "field" if last else "relationship"
        full = ".".join(segments)
        where = f" in '{full}'" if len(segments) > 1 else ""
        self.fail("unknown-field", f"unknown {what} '{seg}' on {ent.name}{where}", pos, suggest(seg, names))

    # -- calls --------------------------------------------------------------------
    def _call(self, node, mode, prefix, in_agg, expanding):
        name = node.name
        scalar = fn.SCALARS.get(name)
        if name not in fn.AGGREGATES and (scalar is None or scalar.internal):
            self.fail("unknown-function", f"unknown function '{name}'", node.pos,
                      suggest(name, fn.known_functions()))
        low, high = fn.AGGREGATES[name].arity if name in fn.AGGREGATES else scalar.arity
        if not low <= len(node.args) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            self.fail("wrong-arguments", f"{name}() takes {count} argument(s), got {len(node.args)}", node.pos)
        if name in fn.AGGREGATES:
            return self._aggregate(node, mode, prefix, in_agg, expanding)
        return self._scalar(scalar, node, mode, prefix, in_agg, expanding)

    def _aggregate(self, node, mode, prefix, in_agg, expanding):
        if mode != MEASURE:
            where = "a filter or dimension" if mode == ROW else "having (use a measure's name)"
            self.fail("aggregate-not-allowed", f"aggregate {node.name}() is not allowed in {where}", node.pos)
        if in_agg:
            self.fail("nested-aggregate", f"aggregate {node.name}() inside another aggregate", node.pos)
        entry = fn.AGGREGATES[node.name]
        args, types = [], []
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.FieldRef) and entry.rows_arg and i == 0:
                target = self.resolve_path(arg.path, prefix, arg.pos)
                if isinstance(target, EntityRef):
                    args.append(target)
                    types.append("rows")
                    continue
            resolved, kind = self._resolve(arg, mode, prefix, True, expanding)
            args.append(resolved)
            types.append(kind)
        result = self._aggregate_type(entry, node, args, types)
        grain = self._grain(node, entry.grain_args(args), prefix)
        return Agg(node.name, tuple(args), grain, result, node.pos), result

    def _aggregate_type(self, entry, node, args, types):
        wrong = entry.type_error(types)
        if wrong is not None and wrong[0] in entry.conditions:
            self.fail("type-mismatch", wrong[1], node.args[wrong[0]].pos)
        if entry.fraction is not None:
            frac = args[entry.fraction]
            if not (isinstance(frac, Const) and frac.type in fn.NUMERIC and 0 <= frac.value <= 1):
                self.fail("bad-percentile", f"{node.name}() needs a fraction between 0 and 1, e.g. "
                          f"{node.name}(x, 0.9)", node.args[entry.fraction].pos)
        if wrong is not None:
            self.fail("type-mismatch", wrong[1], node.args[wrong[0]].pos)
        return entry.result_type(types)

    def _grain(self, node, args, prefix):
        """The deepest path of `args` that all their other paths are functions of (the rows the
        aggregate runs over); a condition that only selects rows is not among `args`."""
        paths = sorted({p for a in args for p in node_paths(a)}, key=lambda p: (-len(p), p))
        if not paths:
            return prefix
        for origin in paths:
            if all(is_functional(self.catalog, self.scope.source, origin, other) for other in paths):
                return origin
        listed = ", ".join(".".join(p) or self.scope.source for p in paths)
        self.fail("mixed-grain", f"{node.name}() mixes rows that are not one-to-one ({listed}); "
                  "aggregate each separately", node.pos)

    def _scalar(self, entry, node, mode, prefix, in_agg, expanding):
        """A scalar call as its table entry (expr.scalars) says: a constant fixed now, or its
        literal and calendar arguments checked, its arguments resolved and its result typed."""
        if entry.constant is not None:
            kind = entry.result_type([])
            return Const(entry.constant(self.scope), kind, node.pos), kind
        literal = entry.literal
        if literal is not None and literal.index < len(node.args) and not literal.accepts(node.args[literal.index]):
            self.fail("bad-argument", literal.message, node.args[literal.index].pos)
        if entry.calendar is not None:
            node = replace(node, args=node.args[:entry.calendar] + (self._calendar_arg(node, entry.calendar),))
        args, types = [], []
        for arg in node.args:
            resolved, kind = self._resolve(arg, mode, prefix, in_agg, expanding)
            args.append(resolved)
            types.append(kind)
        wrong = entry.type_error(types) if entry.type_error is not None else None
        if wrong is not None:
            self.fail("type-mismatch", wrong[1], node.args[wrong[0]].pos)
        kind = entry.result_type(types, node.args)
        if kind is None:
            self.fail("type-mismatch", f"{node.name}() cannot take ({', '.join(types)})", node.pos)
        return replace(node, args=tuple(args)), kind

    def _calendar_arg(self, node, index: int) -> ast.Literal:
        """The calendar of a business-time call: a string literal naming a workspace calendar,
        the default calendar when absent."""
        business = self.catalog.business
        if len(node.args) <= index:
            return ast.Literal(business.default_calendar, "string", node.pos)
        arg = node.args[index]
        if not (isinstance(arg, ast.Literal) and arg.kind == "string"):
            self.fail("bad-argument", f"the calendar of {node.name}() must be a string literal naming a "
                      "calendar, e.g. 'always'", arg.pos)
        if business.calendar(arg.value) is None:
            self.fail("unknown-calendar", f"unknown calendar '{arg.value}' (calendars: "
                      f"{', '.join(business.calendar_names)})", arg.pos, suggest(arg.value, business.calendar_names))
        return arg

    # -- operators ----------------------------------------------------------------
    def _unary(self, node, *args):
        operand, kind = self._resolve(node.operand, *args)
        if node.op == "not":
            self._expect_boolean(kind, node.operand.pos, "not")
            return replace(node, operand=operand), "boolean"
        if kind not in fn.NUMERIC + ("null",):
            self.fail("type-mismatch", f"cannot negate a {kind} value", node.pos)
        return replace(node, operand=operand), kind

    def _expect_boolean(self, kind, pos, op):
        if kind not in ("boolean", "null"):
            self.fail("type-mismatch", f"'{op}' needs a condition, not a {kind} value", pos)

    def _binary(self, node, *args):
        left, lt = self._resolve(node.left, *args)
        try:
            right, rt = self._resolve(node.right, *args)
        except Problem as problem:
            self._suggest_quotes(problem, node, lt)
            raise
        op = node.op
        if op in ("and", "or"):
            self._expect_boolean(lt, node.left.pos, op)
            self._expect_boolean(rt, node.right.pos, op)
            return replace(node, left=left, right=right), "boolean"
        if op in ("like", "ilike"):
            if lt not in ("text", "null") or rt not in ("text", "null"):
                self.fail("type-mismatch", f"'{op}' compares text", node.pos)
            return replace(node, left=left, right=right), "boolean"
        if op in COMPARISONS:
            left, right = self._coerce_pair(left, lt, right, rt, node.pos)
            return replace(node, left=left, right=right), "boolean"
        return self._arithmetic(node, left, lt, right, rt)

    def _suggest_quotes(self, problem, node, left_type):
        """`priority = high`: a bare word compared with text is most likely text meant in quotes."""
        if node.op in COMPARISONS + ("like", "ilike"):
            self._quote_hint(problem, node.right, (node.right,), left_type, "{}")

    def _quote_hint(self, problem, word, words, left_type, shape: str):
        """Fail on the unknown `word` with `words` (bare names, or text already quoted) as quoted
        text, formatted by `shape`, as the did-you-mean; else leave `problem` as it is."""
        def bare(w):
            return isinstance(w, ast.FieldRef) and len(w.path) == 1
        texts = [w.path[0] if bare(w) else w.value for w in words
                 if bare(w) or (isinstance(w, ast.Literal) and w.kind == "string")]
        if problem.diagnostic.code != "unknown-field" or left_type != "text" or len(texts) < len(words):
            return
        unknown = problem.diagnostic.message.split(";")[0]  # without its did-you-mean of field names
        text = shape.format(", ".join("'" + t.replace("'", "''") + "'" for t in texts))
        self.fail("unknown-field", unknown, word.pos, (text,), hint=f"did you mean {text} (quoted text)?")

    def _arithmetic(self, node, left, lt, right, rt):
        op, out = node.op, None
        if lt in fn.NUMERIC + ("null",) and rt in fn.NUMERIC + ("null",):
            out = "integer" if lt == rt == "integer" and op in "+-*%" else "number"
        elif op == "-" and lt in ("timestamp", "date") and rt in ("timestamp", "date"):
            out = "number"
        elif op in "+-" and lt in ("timestamp", "date") and rt == "interval":
            out = "timestamp"
        elif op == "+" and lt == "interval" and rt in ("timestamp", "date"):
            out = "timestamp"
        if out is None:
            self.fail("type-mismatch", f"cannot compute {lt} {op} {rt}", node.pos)
        if op == "-" and lt in ("timestamp", "date") and rt in ("timestamp", "date"):
            return ast.Call(SECONDS_BETWEEN, (left, right), node.pos), out
        return replace(node, left=left, right=right), out

    def _coerce(self, value, kind, want):
        """A text literal compared with a date/timestamp becomes a moment in the report zone."""
        if kind == "text" and want in ("timestamp", "date") and isinstance(value, Const):
            moment = parse_moment(value.value, self.scope.tz)
            if moment is None:
                self.fail("bad-timestamp", f"'{value.value}' is not a date or timestamp (YYYY-MM-DD or "
                          "YYYY-MM-DD HH:MM:SS)", value.pos)
            kind, value = moment[0], Const(moment[1], moment[0], value.pos)
        if kind == "date" and want == "timestamp" and isinstance(value, Const):
            return Const(midnight_utc(value.value, self.scope.tz), "timestamp", value.pos), "timestamp"
        return value, kind

    def _coerce_pair(self, left, lt, right, rt, pos):
        left, lt = self._coerce(left, lt, rt)
        right, rt = self._coerce(right, rt, lt)
        if fn.common_type([lt, rt]) is None or {lt, rt} == {"timestamp", "date"}:
            self.fail("type-mismatch", f"cannot compare {lt} with {rt}", pos)
        return left, right

    def _in_list(self, node, *args):
        operand, kind = self._resolve(node.operand, *args)
        items = []
        for item in node.items:
            try:
                value, vt = self._resolve(item, *args)
            except Problem as problem:  # `x in (high, low)`: the words meant as text
                self._quote_hint(problem, item, node.items, kind, "({})")
                raise
            _, value = self._coerce_pair(operand, kind, value, vt, item.pos)
            items.append(value)
        return replace(node, operand=operand, items=tuple(items)), "boolean"

    def _between(self, node, *args):
        operand, kind = self._resolve(node.operand, *args)
        low, lt = self._resolve(node.low, *args)
        high, ht = self._resolve(node.high, *args)
        _, low = self._coerce_pair(operand, kind, low, lt, node.low.pos)
        _, high = self._coerce_pair(operand, kind, high, ht, node.high.pos)
        return replace(node, operand=operand, low=low, high=high), "boolean"

    def _case(self, node, *args):
        whens, kinds = [], []
        for cond, value in node.whens:
            c, ct = self._resolve(cond, *args)
            self._expect_boolean(ct, cond.pos, "when")
            v, vt = self._resolve(value, *args)
            whens.append((c, v))
            kinds.append(vt)
        default = None
        if node.default is not None:
            default, dt = self._resolve(node.default, *args)
            kinds.append(dt)
        kind = fn.common_type(kinds)
        if kind is None:
            self.fail("type-mismatch", f"case branches have different types ({', '.join(kinds)})", node.pos)
        return replace(node, whens=tuple(whens), default=default), kind


def node_paths(node):
    """Join-tree nodes referenced inside a resolved expression."""
    if isinstance(node, (Field, EntityRef)):
        yield node.path
        return
    for child in ast.children(node):
        yield from node_paths(child)


def _at(node, pos):
    """Re-anchor a catalog expression at the spec position that uses it (for diagnostics)."""
    moved = ast.map_children(node, lambda child: _at(child, pos))
    return replace(moved, pos=pos) if hasattr(moved, "pos") else moved
