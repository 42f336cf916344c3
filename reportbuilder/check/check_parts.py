"""Check each part of a spec (dimensions, measures, filters, having, sort, date range, chart)."""
from __future__ import annotations

from datetime import datetime

from ..catalog.model import Catalog
from ..errors import Diagnostic, Span
from ..expr import ast
from ..load.load_spec import RawSpec
from ..load.yaml_nodes import YList, YMap, YScalar, to_plain
from ..timeframe.buckets import CYCLIC, GRANULARITIES, MAX_BUCKETS, bucket_estimate, grid_unit
from ..timeframe.ranges import explicit_range, is_preset, preset_range
from .dashboard_paths import dashboard_paths
from ..expr.aggregates import aggregate
from .options import ReportOptions
from .output_schema import output_columns
from .report import Dimension, Measure, Report, TimeWindow
from .resolve_expr import HAVING, MEASURE, ROW, SECONDS_BETWEEN, Problem, Resolver, Scope, suggest
from .resolved import Agg, Field
from .scalar_expr import expression_locator, parse_scalar

# the granularities whose buckets a grid walked by this unit counts (the one the message points at)
FINEST = {"hour": ("hour", "hour_of_day"), "day": ("day", "day_of_week", "week"), "week": ("week",),
          "month": ("month", "month_of_year"), "quarter": ("quarter",), "year": ("year",)}
CHART_TYPES = ("line", "area", "bar", "stacked_bar", "grouped_bar", "horizontal_bar", "pie", "donut",
               "kpi", "table", "heatmap", "combo", "scatter")
BUCKET_TYPES = {"hour": "timestamp", "hour_of_day": "integer", "day_of_week": "integer",
                "month_of_year": "integer"}


class PartChecker:
    def __init__(self, raw: RawSpec, catalog: Catalog, source: str, tz: str, now: datetime,
                 options: ReportOptions, problems: list):
        self.raw, self.root, self.catalog = raw, raw.root, catalog
        self.source, self.tz, self.now, self.options = source, tz, now, options
        self.problems = problems
        self.measure_names: tuple = ()  # the spec's measures, once known (see filters)
        self.entry_spans: list = []  # (output name, span of its entry), to place duplicate names
        self.granularity_spans: dict = {}  # dimension name -> span of its granularity

    def report(self, stem: str) -> Report:
        dims = self.dimensions()
        measures = self.measures()
        columns = output_columns(dims, measures, self.root.get("compare") is not None)
        outputs = tuple((c.name, c.value_type) for c in columns)
        self._check_duplicates(columns)
        text = lambda key, default="": self.root.get(key).value if self.root.get(key) else default  # noqa: E731
        limit = self.root.get("limit")
        fill = self.root.get("fill_gaps")
        compare = self.root.get("compare")
        window = self.window()
        self._check_bucket_count(dims, window, fill)
        if compare is not None and (window is None or not window.range.bounded):
            self.problems.append(Diagnostic("compare-needs-range", "compare needs a bounded date range "
                                            "(date_range: with preset or from/to)", compare.span))
        report_kwargs = dict(
            name=text("name", stem), title=text("title", stem.replace("_", " ").capitalize()),
            description=text("description"), source=self.source, timezone=self.tz,
            week_start=self.catalog.week_start, now_utc=self.now, dimensions=tuple(dims),
            measures=tuple(measures), filters=self.filters(tuple(m.name for m in measures)), having=self.having(outputs),
            sort=self.sort(outputs), limit=limit.value if limit else None,
            fill_gaps=fill.value if fill else True, compare=compare.value if compare else None,
            window=window, chart=self.chart(outputs), dashboard_filters=dashboard_paths(self),
        )
        if self.problems:
            return None
        return Report(**report_kwargs)

    # -- helpers ------------------------------------------------------------------
    def resolver(self, scalar: YScalar, outputs=()) -> Resolver:
        return Resolver(Scope(self.catalog, self.source, self.tz, self.now, expression_locator(scalar, self.raw.text),
                              outputs, hidden=self.options.hidden_fields, measures=self.measure_names))

    def _resolve(self, scalar: YScalar, node, mode, outputs=()):
        try:
            return self.resolver(scalar, outputs).resolve(node, mode)
        except Problem as problem:
            self.problems.append(problem.diagnostic)
        except RecursionError:
            self.problems.append(Diagnostic("expr-too-deep", "expression nested too deeply (split it up)",
                                            scalar.span))
        return None, None

    def _not_among(self, code: str, message: str, name: str, choices, label: str, span) -> None:
        """A name that is not one of `choices`: the problem, with a did-you-mean or the list."""
        close = suggest(name, choices)
        hint = f"did you mean '{close[0]}'?" if close else f"{label}: " + ", ".join(choices)
        self.problems.append(Diagnostic(code, f"{message}; {hint}", span, hint, close))

    def _check_duplicates(self, columns):
        spans = {}
        for name, span in self.entry_spans:
            spans.setdefault(name, []).append(span)
        seen = set()
        for column in columns:
            name, later = column.name, spans.get(column.name, [])
            if name in seen and column.of is not None:  # compare: made it; the spec's entry is the other one
                self.problems.append(Diagnostic(
                    "duplicate-column", f"'{name}' is also the name of the column compare: adds for "
                    f"'{column.of}'; give the measure another name with `as`",
                    later[0] if later else Span(self.raw.file, 1, 1)))
            elif name in seen:
                span = later[1] if len(later) > 1 else Span(self.raw.file, 1, 1)
                self.problems.append(Diagnostic("duplicate-column", f"two output columns are named '{name}'; "
                                                "give one another name with `as`", span))
            seen.add(name)

    # -- dimensions ---------------------------------------------------------------
    def _entry(self, item, expr_key: str, name_key: str, mode: str):
        """One dimension or measure: (scalar, parsed node, resolved expr, type, name), or None."""
        scalar, name = item, None
        if isinstance(item, YMap):
            scalar, name = item.get(expr_key), item.get(name_key)
        parsed = parse_scalar(scalar, aliased=True, problems=self.problems, source=self.raw.text)
        if parsed is None:
            return None
        node, alias = parsed
        expr, kind = self._resolve(scalar, node, mode)
        if expr is None:
            return None
        label = name.value if name else (alias or _default_name(scalar.value, node))
        self.entry_spans.append((label, item.span))
        return scalar, node, expr, kind, label

    def dimensions(self) -> list[Dimension]:
        out = []
        for item in _items(self.root.get("dimensions")):
            entry = self._entry(item, "field", "as", ROW)
            if entry is None:
                continue
            _, _, expr, kind, name = entry
            gran_node = item.get("granularity") if isinstance(item, YMap) else None
            granularity = self._granularity(gran_node, kind)
            if gran_node is not None:
                self.granularity_spans[name] = gran_node.span
            if granularity:
                kind = BUCKET_TYPES.get(granularity, "date")
            out.append(Dimension(name, expr, kind, granularity))
        return out

    def _check_bucket_count(self, dims, window, fill) -> None:
        """Refuse, at the granularity, a gap-filled range with more buckets (or combinations of
        several bucket dimensions' buckets) than the limit."""
        if window is None or not window.range.bounded or (fill is not None and not fill.value):
            return
        bucketed = [d for d in dims if d.granularity]
        if not bucketed or all(d.granularity in CYCLIC for d in bucketed):
            return
        unit = grid_unit([d.granularity for d in bucketed])
        count = bucket_estimate(unit, window.range.start, window.range.end)
        if count > MAX_BUCKETS:
            finest = next(d for d in bucketed if d.granularity in FINEST[unit])
            what = " x ".join(d.granularity for d in bucketed)
            noun = "buckets" if len(bucketed) == 1 else "combinations"
            self.problems.append(Diagnostic(
                "too-many-buckets", f"the date range has about {count:,} {what} {noun} to fill; "
                f"the limit is {MAX_BUCKETS:,} (use a coarser granularity, a shorter range or fill_gaps: false)",
                self.granularity_spans.get(finest.name, Span(self.raw.file, 1, 1))))

    def _granularity(self, node, kind):
        if node is None:
            return None
        if node.value not in GRANULARITIES:
            self._not_among("unknown-granularity", f"unknown granularity '{node.value}'", str(node.value),
                            GRANULARITIES, "granularities", node.span)
            return None
        if kind not in ("timestamp", "date"):
            self.problems.append(Diagnostic("type-mismatch", f"granularity needs a timestamp field, not {kind}",
                                            node.span))
            return None
        return node.value

    # -- measures -----------------------------------------------------------------
    def measures(self) -> list[Measure]:
        out = []
        for item in _items(self.root.get("measures")):
            entry = self._entry(item, "expr", "name", MEASURE)
            if entry is None:
                continue
            scalar, node, expr, kind, label = entry
            unit = item.get("unit").value if isinstance(item, YMap) and item.get("unit") else None
            if not any(isinstance(n, Agg) for n in _walk(expr)):
                self.problems.append(Diagnostic("not-aggregate", f"measure '{label}' aggregates nothing: use "
                                                "count(), sum(x), avg(x), ...", scalar.span))
                continue
            named = self.catalog.measure(node.path[0]) if isinstance(node, ast.FieldRef) else None
            unit = unit or (named.unit if named else _unit_of(expr))
            out.append(Measure(label, expr, kind, unit, _count_like(expr)))
        return out

    # -- filters and having -------------------------------------------------------
    def filters(self, measure_names=()) -> tuple:
        """The conditions of `filters:` and --filter; `measure_names` (the spec's measures) get a
        "use having" message when a filter names one."""
        self.measure_names = measure_names
        conditions = list(self._conditions(self.root.get("filters"), ROW))
        for i, text in enumerate(self.options.filters):
            scalar = YScalar(text, Span("--filter", 1, 1))
            node = parse_scalar(scalar, aliased=False, problems=self.problems, source=self.raw.text)
            if node is not None:
                expr, _ = self._resolve(scalar, node, ROW)
                conditions.append(expr)
        return tuple(c for c in conditions if c is not None)

    def having(self, outputs) -> tuple:
        return tuple(c for c in self._conditions(self.root.get("having"), HAVING, outputs) if c is not None)

    def _conditions(self, node, mode, outputs=()):
        for item in _items(node):
            yield self._condition(item, mode, outputs)

    def _condition(self, item, mode, outputs):
        if isinstance(item, YMap):
            (key, group), = item.items
            parts = [self._condition(i, mode, outputs) for i in _items(group)]
            if not parts or any(p is None for p in parts):
                return None
            op = "or" if key.value == "any" else "and"
            combined = parts[0]
            for part in parts[1:]:
                combined = ast.Binary(op, combined, part, part.pos if hasattr(part, "pos") else (1, 1))
            return combined
        node = parse_scalar(item, aliased=False, problems=self.problems, source=self.raw.text)
        if node is None:
            return None
        expr, kind = self._resolve(item, node, mode, outputs)
        if expr is not None and kind not in ("boolean", "null"):
            self.problems.append(Diagnostic("type-mismatch", f"a filter must be a condition, not a {kind} value",
                                            item.span))
            return None
        return expr

    # -- sort, date range, chart --------------------------------------------------
    def sort(self, outputs) -> tuple:
        node = self.root.get("sort")
        items = [node] if isinstance(node, YScalar) else _items(node)
        names = [n for n, _ in outputs]
        out = []
        for item in items:
            text = str(item.value).strip()
            desc = text.startswith("-")
            name = text.lstrip("-+").strip()
            if name not in names:
                self._not_among("unknown-column", f"cannot sort by '{name}': not a column of the report", name,
                                names, "columns", item.span)
                continue
            out.append((name, desc))
        return tuple(out)

    def window(self) -> TimeWindow | None:
        node = self.root.get("date_range")
        opts = self.options
        if node is None and not (opts.preset or opts.start or opts.end):
            return None
        field_node = node.get("field") if node else None
        field = self._window_field(field_node, node)
        preset_node = node.get("preset") if node else None
        preset = opts.preset or (preset_node.value if preset_node else None)
        span = preset_node.span if preset_node and not opts.preset else Span("--range", 1, 1)
        try:
            if opts.start or opts.end:
                span = Span("--from" if opts.start else "--to", 1, 1)
                rng, preset = explicit_range(opts.start, opts.end), None
            elif preset is not None:
                if node and (node.get("from") or node.get("to")) and not opts.preset:
                    raise ValueError("give either preset or from/to, not both")
                if not is_preset(str(preset)):
                    preset_range(str(preset), self.now, self.tz, self.catalog.week_start)
                rng = preset_range(preset, self.now, self.tz, self.catalog.week_start)
            else:
                span = (node.get("from") or node.get("to") or node).span
                rng = explicit_range(_value(node.get("from")), _value(node.get("to")))
        except (ValueError, OverflowError) as exc:
            self.problems.append(Diagnostic("bad-date-range", str(exc), span))
            return None
        return None if field is None else TimeWindow(field, rng, preset)

    def _window_field(self, field_node, node):
        if field_node is None:
            entity = self.catalog.entity(self.source)
            if entity.time_field is None:
                span = node.span if node else Span("--range", 1, 1)
                self.problems.append(Diagnostic("no-time-field", f"{self.source} has no default time field; "
                                                "set date_range.field", span))
                return None
            field_node = YScalar(entity.time_field, node.span if node else Span("--range", 1, 1))
        parsed = parse_scalar(field_node, aliased=False, problems=self.problems, source=self.raw.text)
        if parsed is None:
            return None
        expr, kind = self._resolve(field_node, parsed, ROW)
        if expr is not None and kind not in ("timestamp", "date"):
            self.problems.append(Diagnostic("type-mismatch", f"date_range.field must be a timestamp, not {kind}",
                                            field_node.span))
            return None
        return expr

    def chart(self, outputs) -> dict | None:
        node = self.root.get("chart")
        if node is None:
            return None
        names = [n for n, _ in outputs]
        for key in ("x", "y", "color", "line"):
            value = node.get(key)
            for item in ([value] if isinstance(value, YScalar) else _items(value)):
                if item.value not in names:
                    self._not_among("chart-unknown-column", f"chart {key}: '{item.value}' is not a column of "
                                    "the report", str(item.value), names, "columns", item.span)
        kind = node.get("type")
        if kind is not None and kind.value not in CHART_TYPES:
            self._not_among("unknown-chart-type", f"unknown chart type '{kind.value}'", str(kind.value),
                            CHART_TYPES, "types", kind.span)
        return to_plain(node)


def _items(node) -> tuple:
    return node.items if isinstance(node, YList) else ()


def _value(node):
    return None if node is None else node.value


def _default_name(text, node) -> str:
    if isinstance(node, ast.FieldRef):
        return node.dotted
    return str(text).strip()


def _walk(node):
    yield node
    for child in (node.args if isinstance(node, Agg) else ast.children(node)):
        yield from _walk(child)


def _count_like(expr) -> bool:
    return isinstance(expr, Agg) and aggregate(expr).count_like


def _unit_of(expr) -> str | None:
    """`seconds` for an aggregate of a duration (a seconds field or a timestamp difference)."""
    if isinstance(expr, Agg) and not aggregate(expr).count_like and expr.args:
        arg = expr.args[0]
        if isinstance(arg, Field):
            return arg.column.unit
        if isinstance(arg, ast.Call) and arg.name == SECONDS_BETWEEN:
            return "seconds"
    return None
