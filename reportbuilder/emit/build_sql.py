"""Stage `emit`: QueryPlan -> one SQL statement as a sqlglot tree, one CTE per step.

    source CTEs     derived entities, keyless tables, derived-field lookups
    agg_<grain>     one per aggregate grain (see step_sql)
    report_rows     the steps joined on the dimensions, measures computed
    buckets, filled empty time buckets added (fill_gaps)
    previous_*      the same for the comparison period, then `compared`
    final SELECT    having, sort, limit; output column names

Example:
    >>> from reportbuilder.compile import compile_text
    >>> print(compile_text("source: tickets\\nmeasures: [count() as n]\\n").sql())  # doctest: +ELLIPSIS
    WITH agg_tickets AS (...
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from ..calendars.sql import BusinessSql
from ..catalog.model import Catalog
from ..errors import BuildError  # noqa: F401  (re-exported)
from ..check.output_schema import OutputColumn  # noqa: F401  (re-exported)
from ..check.output_schema import output_columns as report_columns
from ..check.report import Report
from ..plan.query_plan import AggregateStep, KeyRestriction, QueryPlan
from ..timeframe.buckets import (CYCLIC, MAX_BUCKETS, align_buckets, bucket_estimate, bucket_grid, bucket_values,
                                 grid_unit, previous_range)
from ..timeframe.ranges import LocalRange, localize, range_to_utc
from .compile_expr import ExprCompiler, operand, safe_divide
from .join_sql import CatalogCte, JoinSql
from .literals import sql_literal
from .aggregate_sql import dimension_name
from .step_sql import step_select
from .time_sql import bucket



@dataclass(frozen=True)
class BuiltQuery:
    select: exp.Expression
    tables: tuple[str, ...]
    columns: tuple[OutputColumn, ...]
    catalog_ctes: tuple[CatalogCte, ...] = ()  # its CTEs of catalog SQL (a dashboard may share them)

    def sql(self, dialect: str = "duckdb", pretty: bool = True) -> str:
        from .dialects import to_dialect  # the last step: engine-specific forms, loaded when printed

        return to_dialect(self.select, dialect, pretty)


def _q(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=_q(name), table=exp.to_identifier(table) if table else None)


class _Builder:
    def __init__(self, plan: QueryPlan, catalog: Catalog, keyed: tuple = ()):
        self.plan, self.report, self.catalog = plan, plan.report, catalog
        self.business = BusinessSql(catalog.business, self.report.now_utc)
        self.joins = JoinSql(plan, catalog, keyed, self.business)
        self.compiler = ExprCompiler(self.report.timezone, self.report.week_start, self.joins.field,
                                     self.joins.key, business=self.business)
        if plan.report_keys is not None:
            self.joins.restrict_lookups(self._kept_source_rows(plan.report_keys))
        self.ctes: list[tuple[str, exp.Expression]] = self.joins.source_ctes()
        self.dims = [self._dimension_sql(d) for d in self.report.dimensions]
        self.time_index = next((i for i, d in enumerate(self.report.dimensions) if d.granularity), None)

    def _kept_source_rows(self, keys: KeyRestriction) -> list[exp.Expression]:
        """The conditions the plan restricts the source's keys to (its source-only filters, then
        its date range): every step applies them, so lookups of the source need no other keys."""
        conditions = [self.compiler.compile(self.report.filters[i]) for i in keys.filters]
        return conditions + (self._window(self.report.window.range) if keys.window else [])

    # -- per period -----------------------------------------------------------------
    def _dimension_sql(self, dim) -> exp.Expression:
        value = self.compiler.compile(dim.expr)
        if dim.granularity:
            return bucket(value, dim.granularity, self.report.timezone, self.report.week_start)
        return value

    def _where(self, filters: list[exp.Expression], window: list[exp.Expression],
               step: AggregateStep) -> list[exp.Expression]:
        """The step's conditions: the compiled filters (those its existence tests take in),
        then the date range's."""
        tested = {i for semi in step.existence for i in semi.filters}
        conditions = [f.copy() for i, f in enumerate(filters) if i not in tested]
        conditions += [self.joins.exists_in(semi, [filters[i].copy() for i in semi.filters])
                       for semi in step.existence]
        return conditions + [w.copy() for w in window]

    def row_conditions(self) -> list[exp.Expression]:
        """What keeps a joined row in the report's (current) period: its filters, then its date range."""
        window = self.report.window
        return [self.compiler.compile(f) for f in self.report.filters] + self._window(window.range if window else None)

    def _window(self, local_range: LocalRange | None) -> list[exp.Expression]:
        """The date range's conditions on its field (none without a range)."""
        conditions = []
        if self.report.window is not None and local_range is not None:
            start, end = range_to_utc(local_range, self.report.timezone)
            field = operand(self.compiler.compile(self.report.window.field))
            if start is not None:
                conditions.append(exp.GTE(this=field.copy(), expression=sql_literal(start)))
            if end is not None:
                conditions.append(exp.LT(this=field.copy(), expression=sql_literal(end)))
        return conditions

    def period(self, prefix: str, local_range: LocalRange | None) -> str:
        """CTEs computing the report rows over one date range; returns the rows CTE's name."""
        names = []
        filters = [self.compiler.compile(f) for f in self.report.filters]
        window = self._window(local_range)
        for step in self.plan.steps:
            name = prefix + step.name
            where = self._where(filters, window, step)
            self.ctes.append((name, step_select(step, self.joins, self.compiler, self.dims, where)))
            names.append(name)
        rows = prefix + "report_rows"
        self.ctes.append((rows, self._combine(prefix, names)))
        if self._fills_gaps(local_range):
            rows = self._fill(prefix, rows, local_range)
        return rows

    def _combine(self, prefix: str, step_names: list[str]) -> exp.Select:
        first = step_names[0]
        cols = [exp.alias_(exp.column(dimension_name(i), table=first), _q(d.name))
                for i, d in enumerate(self.report.dimensions)]
        slot = lambda s: exp.column(s.name, table=prefix + s.step)  # noqa: E731
        compiler = ExprCompiler(self.report.timezone, self.report.week_start, self.joins.field, slot=slot,
                                business=self.business)
        for name, expr in self.plan.measures:
            cols.append(exp.alias_(compiler.compile(expr), _q(name)))
        select = exp.select(*cols).from_(exp.to_table(first), copy=False)
        for other in step_names[1:]:
            on = [exp.NullSafeEQ(this=exp.column(dimension_name(i), table=first),
                                 expression=exp.column(dimension_name(i), table=other))
                  for i in range(len(self.dims))]
            select = select.join(exp.to_table(other), on=exp.and_(*on) if on else None,
                                 join_type="inner" if on else "cross", copy=False)
        return select

    # -- gap filling ----------------------------------------------------------------
    def _bucket_dims(self) -> list[int]:
        return [i for i, d in enumerate(self.report.dimensions) if d.granularity]

    def _fills_gaps(self, local_range) -> bool:
        """Gap filling lists the buckets: cyclic ones always, calendar ones over a bounded range."""
        granularities = [self.report.dimensions[i].granularity for i in self._bucket_dims()]
        if not granularities or not self.report.fill_gaps:
            return False
        return all(g in CYCLIC for g in granularities) or (local_range is not None and local_range.bounded)

    def _localized(self, local_range, unit: str) -> LocalRange:
        """The range in the report's zone, refused when walking it by `unit` would pass the limit."""
        rng = localize(local_range, self.report.timezone) if local_range else LocalRange(None, None)
        if rng.bounded and unit not in CYCLIC and bucket_estimate(unit, rng.start, rng.end) > MAX_BUCKETS:
            raise BuildError(f"the date range is too long to fill {unit} buckets (more than "
                             f"{MAX_BUCKETS:,}); use a coarser granularity or a shorter range")
        return rng

    def _bucket_list(self, local_range) -> list:
        """The buckets of the time dimension a comparison aligns."""
        granularity = self.report.dimensions[self.time_index].granularity
        rng = self._localized(local_range, granularity)
        return bucket_values(granularity, rng, self.report.timezone, self.report.week_start)

    def _bucket_grid(self, local_range) -> list[tuple]:
        """Every combination of the bucket dimensions' values the range allows."""
        granularities = [self.report.dimensions[i].granularity for i in self._bucket_dims()]
        unit = granularities[0] if all(g in CYCLIC for g in granularities) else grid_unit(granularities)
        rng = self._localized(local_range, unit)
        return bucket_grid(granularities, rng, self.report.timezone, self.report.week_start)

    def _fill(self, prefix: str, rows: str, local_range) -> str:
        """The rows plus one row per missing combination of the bucket dimensions' values (the
        range's) and the other dimensions' values (those with rows), its measures evaluated
        with count-like aggregates 0 and the others null."""
        dims = self.report.dimensions
        bucket_dims = self._bucket_dims()
        columns = {i: "bucket" + (f"_{k}" if k else "") for k, i in enumerate(bucket_dims)}
        buckets = prefix + "buckets"
        self.ctes.append((buckets, _values_cte(self._bucket_grid(local_range), *columns.values())))
        others = [d.name for i, d in enumerate(dims) if i not in columns]
        match = [exp.EQ(this=_col(dims[i].name, "r"), expression=exp.column(c, table="b")) for i, c in columns.items()]
        match += [exp.NullSafeEQ(this=_col(n, "r"), expression=_col(n, "k")) for n in others]
        missing = exp.Not(this=exp.Exists(this=exp.select(exp.Literal.number(1)).from_(exp.to_table(rows).as_("r"))
                                          .where(exp.and_(*match))))
        cols = [exp.alias_(exp.column(columns[i], table="b") if i in columns else _col(d.name, "k"), _q(d.name))
                for i, d in enumerate(dims)]
        compiler = ExprCompiler(self.report.timezone, self.report.week_start, self.joins.field, slot=_empty_slot,
                                business=self.business)
        cols += [exp.alias_(compiler.compile(expr), _q(name)) for name, expr in self.plan.measures]
        gaps = exp.select(*cols).from_(exp.to_table(buckets).as_("b"))
        if others:
            keys = exp.select(*[_col(n) for n in others]).distinct().from_(exp.to_table(rows))
            gaps = gaps.join(keys.subquery("k"), join_type="cross")
        filled = prefix + "filled_rows"
        present = exp.select(exp.Star()).from_(exp.to_table(rows))
        self.ctes.append((filled, exp.union(present, gaps.where(missing), distinct=False)))
        return filled

    # -- comparison -----------------------------------------------------------------
    def compare(self, rows: str) -> str:
        window = self.report.window
        previous = previous_range(localize(window.range, self.report.timezone), self.report.compare,
                                  window.preset)
        prev_rows = self.period("previous_", previous)
        dims = self.report.dimensions
        select = exp.select(*[_col(d.name, "cur") for d in dims], *[_col(m.name, "cur") for m in self.report.measures])
        partnered = exp.Not(this=exp.Is(this=exp.column("previous_bucket", table="bp"), expression=exp.Null())) \
            if self.time_index is not None else exp.true()
        named = {(c.of, c.role): c.name for c in output_columns(self.report) if c.of is not None}
        for m in self.report.measures:
            now_v, prev_v = _col(m.name, "cur"), _col(m.name, "prev")
            if m.count_like:  # a group without rows in its partner bucket counted 0 there
                prev_v = exp.Case(ifs=[exp.If(this=partnered.copy(),
                                              true=exp.Coalesce(this=prev_v, expressions=[exp.Literal.number(0)]))])
            change = exp.Mul(this=exp.Literal.number(100), expression=safe_divide(
                exp.paren(exp.Sub(this=now_v.copy(), expression=prev_v.copy())), prev_v.copy()))
            select = select.select(exp.alias_(prev_v, _q(named[m.name, "previous"])),
                                   exp.alias_(change, _q(named[m.name, "change_pct"])))
        select = select.from_(exp.to_table(rows).as_("cur"))
        on = [exp.NullSafeEQ(this=_col(d.name, "prev"), expression=_col(d.name, "cur"))
              for i, d in enumerate(dims) if i != self.time_index]
        if self.time_index is not None:
            pairs = [(c, p) for c, p in align_buckets(self._bucket_list(window.range),
                                                      self._bucket_list(previous)) if c is not None]
            self.ctes.append(("bucket_pairs", _values_cte(pairs, "bucket", "previous_bucket")))
            t = dims[self.time_index].name
            select = select.join(exp.to_table("bucket_pairs").as_("bp"), join_type="left",
                                 on=exp.EQ(this=_col(t, "cur"), expression=exp.column("bucket", table="bp")))
            on.append(exp.EQ(this=_col(t, "prev"), expression=exp.column("previous_bucket", table="bp")))
        select = select.join(exp.to_table(prev_rows).as_("prev"), join_type="left",
                             on=exp.and_(*on) if on else exp.true())
        self.ctes.append(("compared", select))
        return "compared"

    # -- final ----------------------------------------------------------------------
    def build(self) -> exp.Expression:
        window = self.report.window
        rows = self.period("", window.range if window else None)
        if self.report.compare:
            rows = self.compare(rows)
        output = lambda ref: _col(ref.name)  # noqa: E731
        compiler = ExprCompiler(self.report.timezone, self.report.week_start, self.joins.field, output=output,
                                business=self.business)
        select = exp.select(*[_col(c.name) for c in output_columns(self.report)]).from_(exp.to_table(rows))
        for condition in self.report.having:
            select = select.where(compiler.compile(condition), copy=False)
        for name, desc in _ordering(self.report):
            select = select.order_by(exp.Ordered(this=_col(name), desc=desc, nulls_first=False), copy=False)
        if self.report.limit is not None:
            select = select.limit(self.report.limit)
        for name, cte in self.business.ctes() + self.ctes:  # calendar relations first: steps read them
            select = select.with_(name, as_=cte, copy=False)
        return select


def _ordering(report: Report) -> list[tuple[str, bool]]:
    """The spec's sort, then every dimension ascending: row order is always deterministic.

    Nulls sort last in both directions, so a "top N by -measure" never starts with nulls.
    """
    order = list(report.sort)
    for d in report.dimensions:
        if d.name not in [n for n, _ in order]:
            order.append((d.name, False))
    return order


def _empty_slot(slot) -> exp.Expression:
    """An aggregate's value over no rows: 0 when it counts, else a typed null."""
    return exp.Literal.number(0) if slot.count_like else exp.cast(exp.Null(), _sql_type(slot.type))


def _values_cte(rows: list, *columns: str) -> exp.Select:
    tuples = [exp.Tuple(expressions=[sql_literal(v) for v in (r if isinstance(r, tuple) else (r,))]) for r in rows]
    if not tuples:
        nulls = exp.select(*[exp.alias_(exp.Null(), c) for c in columns])
        return nulls.where(exp.false())
    values = exp.Values(expressions=tuples, alias=exp.TableAlias(this=exp.to_identifier("v"),
                                                                 columns=[exp.to_identifier(c) for c in columns]))
    return exp.select(*[exp.column(c) for c in columns]).from_(values)


def _sql_type(kind: str) -> exp.DataType.Type:
    t = exp.DataType.Type
    return {"integer": t.BIGINT, "number": t.DOUBLE, "text": t.VARCHAR, "boolean": t.BOOLEAN,
            "timestamp": t.TIMESTAMP, "date": t.DATE}.get(kind, t.DOUBLE)


def output_columns(report: Report) -> tuple[OutputColumn, ...]:
    """The report's result columns (see check/output_schema.py, which check uses too)."""
    return report_columns(report.dimensions, report.measures, bool(report.compare))


def report_sql(plan: QueryPlan, catalog: Catalog, keyed: tuple = ()) -> _Builder:
    """The pieces of a report's SQL (source CTEs `ctes`, `joins`, `compiler`, bucketed `dims`,
    `row_conditions()`) for a query over its rows other than the report itself (drill-down);
    `keyed`: nodes whose row key that query reads."""
    return _Builder(plan, catalog, keyed)


def build_sql(plan: QueryPlan, catalog: Catalog) -> BuiltQuery:
    builder = _Builder(plan, catalog)
    return BuiltQuery(builder.build(), builder.joins.tables(), output_columns(plan.report),
                      tuple(builder.joins.catalog_ctes))

