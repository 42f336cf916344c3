"""The last step of `emit`: the DuckDB-shaped tree -> SQL text for one engine.

The builder writes one tree with DuckDB's meaning, plus the marker nodes of `nodes.py` for
what sqlglot has no node for. Most of it prints correctly for any engine through sqlglot;
the markers, and the nodes below that do not mean the same elsewhere, are rewritten first
(on a copy), so that the SQL is right for the engine, not just parseable:

    UtcToLocal             x AT TIME ZONE 'UTC' AT TIME ZONE tz   (DuckDB, Postgres)
                           from_utc_timestamp(x, tz)               (Spark)
                           CAST(at_timezone(with_timezone(x, 'UTC'), tz) AS TIMESTAMP)  (Trino)
                           CONVERT_TIMEZONE('UTC', tz, x)          (Snowflake)
                           DATETIME(TIMESTAMP(x), tz)              (BigQuery)
                           any other AT TIME ZONE (catalog SQL's): DuckDB only
    BackToHourStart        ts - (local - trunc); Snowflake DATEADD(MICROSECOND, -DATEDIFF(...), ts)
    EPOCH(x)               fractional seconds everywhere (Spark's UNIX_TIMESTAMP truncates)
    MEDIAN, QUANTILE_CONT  exact, linear interpolation: Spark percentile(x, p); Postgres and
                           Snowflake PERCENTILE_CONT ... WITHIN GROUP; Trino and BigQuery have
                           no exact aggregate: the sorted array of the values, interpolated
    ISO day of week        Spark weekday(x) + 1, Postgres EXTRACT(ISODOW ...)
    week start             Monday-based everywhere (BigQuery ISOWEEK; Snowflake without relying
                           on its WEEK_START parameter)
    GREATEST / LEAST       the report language's are null when an argument is null (Spark and
                           Postgres skip nulls); the catalog SQL's skip nulls as in DuckDB
                           (Trino and BigQuery would return null)
    ROUND(x, d)            nothing to do: the report language's round() is built as a DECIMAL round of the
                           double's text spelling (compile_expr.rounded), which every engine computes alike
    CONCAT                 a null argument reads as '' as in DuckDB (elsewhere the result is null)
    MAX / MIN of a boolean Postgres: BOOL_OR / BOOL_AND (it has no MAX(boolean)); the builder
                           already writes BOOL_OR/BOOL_AND where it knows the input is boolean
    timestamps             the engine's naive type (Spark: TIMESTAMP in a UTC session)

Each engine has one table, `TRANSFORMS[dialect]`: node class -> rewrite, applied by one
walk (`transform_bottom_up`), as sqlglot's generators map node classes to their SQL; every
table maps every marker class (DuckDB's holds only those). Adding an engine's SQL is adding
its table; nothing else branches on the dialect. A construct an
engine cannot express raises `DialectError` naming it and the engine.
"""
from __future__ import annotations

from functools import cache
from typing import Callable

import sqlglot
from sqlglot import exp

from ..engines import DIALECTS
from ..errors import BuildError
from .nodes import BackToHourStart, UtcToLocal

_TYPE = exp.DataType.Type

Rewrite = Callable[[exp.Expression], exp.Expression]  # a node -> itself or its replacement


class DialectError(BuildError):
    """A construct of the report that the target engine cannot express."""

    def __init__(self, feature: str, dialect: str, hint: str = ""):
        super().__init__(f"{feature} cannot be expressed in the {dialect} dialect" + (f": {hint}" if hint else ""))
        self.feature, self.dialect = feature, dialect


def to_dialect(tree: exp.Expression, dialect: str, pretty: bool = True) -> str:
    """SQL text of `tree` (built with DuckDB's meaning) that means the same on `dialect`."""
    if dialect not in TRANSFORMS:
        raise DialectError(f"dialect '{dialect}'", dialect, f"known dialects: {', '.join(DIALECTS)}")
    table = TRANSFORMS[dialect]
    return transform_bottom_up(tree.copy(), table).sql(dialect=dialect, pretty=pretty, copy=False)  # copied above


def transform_bottom_up(tree: exp.Expression, table: dict[type, Rewrite]) -> exp.Expression:
    """Apply `table` (node class -> rewrite) to every node of `tree`, in place, children first.

    sqlglot's `Expression.transform` visits parents first and skips a replaced node's
    subtree; these rewrites read their operands already rewritten (a cast inside a time-zone
    conversion, a percentile's argument), so each node is visited once, after its children.
    The parent, key and index are taken before the rewrite, as `transform` does: a rewrite
    may reuse the node inside its replacement.
    """
    root = tree
    for node in reversed(list(tree.dfs())):
        rewrite = next((table[c] for c in type(node).__mro__ if c in table), None)
        if rewrite is None:
            continue
        parent, key, index = node.parent, node.arg_key, node.index
        new = rewrite(node)
        if new is node:
            continue
        if node is root:
            root = new
        else:
            parent.set(key, new, index)
    return root


def _s(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _f(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _num(value) -> exp.Literal:
    return exp.Literal.number(str(value))


# -- time zones: the UtcToLocal marker (naive UTC -> naive local) -------------------------
def _utc_to_local(local: Callable[[exp.Expression, exp.Expression], exp.Expression]) -> Rewrite:
    """The rewrite of the marker `UtcToLocal(x, tz)` into the engine's `local(x, tz)`."""
    return lambda node: local(node.this, node.args["zone"])


def _back_to_hour_start(node: BackToHourStart) -> exp.Expression:
    """`ts - (local - trunc)`: the UTC instant at which the local hour began."""
    into_hour = exp.Sub(this=node.args["local"], expression=node.args["trunc"])
    return exp.Sub(this=node.this, expression=exp.paren(into_hour, copy=False))


def _snowflake_back_to_hour_start(node: BackToHourStart) -> exp.Expression:
    """DATEADD(MICROSECOND, -DATEDIFF(MICROSECOND, trunc, local), ts): Snowflake has no timestamp difference."""
    diff = _f("DATEDIFF", exp.var("MICROSECOND"), node.args["trunc"], node.args["local"])
    return _f("DATEADD", exp.var("MICROSECOND"), exp.Neg(this=diff), node.this)


_HOUR_START = {BackToHourStart: _back_to_hour_start}


def _bare_at_time_zone(dialect: str) -> Rewrite:
    """Any AT TIME ZONE left is not the marker's (catalog SQL's own): its meaning differs by engine."""
    def refuse(node: exp.AtTimeZone) -> exp.Expression:
        raise DialectError("a bare AT TIME ZONE conversion", dialect, "only naive UTC -> local is supported")
    return refuse


def _at_time_zones(x: exp.Expression, tz: exp.Expression) -> exp.Expression:
    return exp.AtTimeZone(this=exp.AtTimeZone(this=x, zone=_s("UTC")), zone=tz)


def _trino_local(x: exp.Expression, tz: exp.Expression) -> exp.Expression:
    return exp.cast(_f("AT_TIMEZONE", _f("WITH_TIMEZONE", x, _s("UTC")), tz), _TYPE.TIMESTAMP)


# -- epoch seconds: of a naive UTC timestamp, microseconds kept as a fraction ---------------
_MILLION = "1000000.0"


def _epoch(seconds: Callable[[exp.Expression], exp.Expression]) -> Rewrite:
    return lambda node: seconds(node.this)


def _micros_over(micros: exp.Expression, divisor: str) -> exp.Expression:
    return exp.paren(exp.Div(this=micros, expression=exp.Literal.number(divisor)), copy=False)


# -- percentiles ---------------------------------------------------------------------------
_ARRAY_PERCENTILE = {
    # s: the sorted non-null values; n: how many; k = p * (n - 1), 0-based; linear interpolation
    "trino": ("ARRAY_SORT(FILTER(ARRAY_AGG(__x), v -> v IS NOT NULL))", "CARDINALITY({s})",
              "ELEMENT_AT({s}, CAST({i} AS BIGINT) + 1)"),
    "bigquery": ("ARRAY_AGG(__x IGNORE NULLS ORDER BY __x)", "ARRAY_LENGTH({s})",
                 "{s}[SAFE_OFFSET(CAST({i} AS INT64))]"),
}


def _array_percentile(dialect: str) -> Callable[[exp.Expression, exp.Expression], exp.Expression]:
    """An exact percentile for an engine without one: interpolated in the sorted array of the values."""
    def percentile(x: exp.Expression, p: exp.Expression) -> exp.Expression:
        def fill(node):
            if isinstance(node, exp.Column) and node.name == "__x":
                return x.copy()
            if isinstance(node, exp.Column) and node.name == "__p":
                return p.copy()
            return node

        return _percentile_template(dialect).transform(fill)
    return percentile


@cache
def _percentile_template(dialect: str) -> exp.Expression:
    """The interpolation over placeholders __x and __p, parsed once (and only when needed)."""
    agg, count, at = _ARRAY_PERCENTILE[dialect]
    n = count.format(s=agg)
    k = f"(__p * ({n} - 1))"
    lo, hi = at.format(s=agg, i=f"FLOOR({k})"), at.format(s=agg, i=f"CEIL({k})")
    return sqlglot.parse_one(f"CASE WHEN {n} > 0 THEN {lo} + ({k} - FLOOR({k})) * ({hi} - {lo}) END", read=dialect)


def _spark_percentile(x: exp.Expression, p: exp.Expression) -> exp.Expression:
    return _f("PERCENTILE", x, p)  # exact, linear interpolation between closest ranks (as DuckDB)


def _snowflake_percentile(x: exp.Expression, p: exp.Expression) -> exp.Expression:
    return exp.WithinGroup(this=_f("PERCENTILE_CONT", p), expression=exp.Order(expressions=[exp.Ordered(this=x)]))


def _postgres_percentile(x: exp.Expression, p: exp.Expression) -> exp.Expression:
    return exp.PercentileCont(this=x, expression=p)  # printed PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x)


def _percentiles(percentile: Callable[[exp.Expression, exp.Expression], exp.Expression],
                 median: bool = True) -> dict[type, Rewrite]:
    """MEDIAN (unless the engine has an exact one) and QUANTILE_CONT through `percentile(x, p)`."""
    table: dict[type, Rewrite] = {exp.PercentileCont: lambda node: percentile(node.this, node.expression)}
    if median:
        table[exp.Median] = lambda node: percentile(node.this, exp.Literal.number("0.5"))
    return table


# -- nulls in GREATEST / LEAST and CONCAT --------------------------------------------------
# `ignore_nulls` is sqlglot's own argument: its DuckDB parser sets it on the catalog SQL's
# GREATEST / LEAST; the report language's (compile_expr) have none.
def _catalog_null_skipping(node: exp.Expression) -> exp.Expression:
    """GREATEST(a, b, c) skipping nulls: GREATEST(COALESCE(a, b, c), COALESCE(b, a, c), ...)."""
    args = [node.this, *node.expressions]
    if not node.args.get("ignore_nulls") or len(args) < 2:
        return node
    wrapped = [exp.Coalesce(this=a.copy(), expressions=[o.copy() for j, o in enumerate(args) if j != i])
               for i, a in enumerate(args)]
    return type(node)(this=wrapped[0], expressions=wrapped[1:])


def _report_null_propagating(node: exp.Expression) -> exp.Expression:
    """GREATEST/LEAST of the report language: null when an argument is null (Spark and Postgres skip nulls)."""
    if node.args.get("ignore_nulls"):
        return node
    args = [node.this, *node.expressions]
    any_null = exp.or_(*[exp.Is(this=a.copy(), expression=exp.Null()) for a in args])
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=node)


def _concat_skipping_nulls(node: exp.Concat) -> exp.Expression:
    """DuckDB's CONCAT reads a null argument as '' (Spark, Trino, BigQuery and Snowflake give null)."""
    args = [exp.Coalesce(this=exp.cast(a.copy(), _TYPE.VARCHAR), expressions=[_s("")]) for a in node.expressions]
    return exp.Concat(expressions=args)


_NULLS_IN_GREATEST = {exp.Greatest: _report_null_propagating, exp.Least: _report_null_propagating}
_NULLS_IN_CATALOG_GREATEST = {exp.Greatest: _catalog_null_skipping, exp.Least: _catalog_null_skipping}


# -- timestamps, weeks and calendar parts --------------------------------------------------
def _naive_timestamp(name: str, dialect: str) -> Rewrite:
    """The engine's naive timestamp type `name`; a zone-aware one is refused."""
    def rewrite(node: exp.DataType) -> exp.Expression:
        if node.is_type(_TYPE.TIMESTAMP, _TYPE.TIMESTAMPNTZ):
            return exp.DataType.build(name)
        if node.is_type(_TYPE.TIMESTAMPTZ):
            raise DialectError("a time-zone aware timestamp type", dialect)
        return node
    return rewrite


def _unit(node: exp.TimestampTrunc) -> str:
    unit = node.args.get("unit")
    return (unit.name if unit is not None else "").upper()


def _bigquery_trunc(node: exp.TimestampTrunc) -> exp.Expression:
    unit = _unit(node)
    return _f("DATETIME_TRUNC", node.this, exp.var("ISOWEEK" if unit == "WEEK" else unit))


def _snowflake_trunc(node: exp.TimestampTrunc) -> exp.Expression:
    """A Monday week start not relying on Snowflake's WEEK_START parameter."""
    if _unit(node) != "WEEK":
        return node
    x = node.this
    days_back = exp.Sub(this=_f("DAYOFWEEKISO", x.copy()), expression=_num(1))
    return _f("DATEADD", exp.var("DAY"), exp.Neg(this=exp.paren(days_back, copy=False)), _f("DATE_TRUNC", _s("DAY"), x))


def _postgres_part(node: exp.Expression) -> exp.Expression:
    """HOUR/MONTH/YEAR(x) as Postgres's CAST(EXTRACT(part FROM x) AS INT)."""
    part = type(node).__name__.upper()
    return exp.cast(exp.Extract(this=exp.var(part), expression=node.this), _TYPE.INT)


def _postgres_boolean_max(node: exp.Expression) -> exp.Expression:
    """Postgres has no MAX/MIN(boolean): BOOL_OR/BOOL_AND (the builder's own are caught here too)."""
    if node.expressions or not _is_boolean(node.this):
        return node
    return (exp.LogicalOr if isinstance(node, exp.Max) else exp.LogicalAnd)(this=node.this)


def _snowflake_interval_product(node: exp.Expression) -> exp.Expression:
    """`ts + n * INTERVAL '1' UNIT` -> DATEADD(UNIT, n, ts) (Snowflake cannot scale intervals)."""
    product = node.expression
    if isinstance(product, exp.Mul):
        interval = next((s for s in (product.this, product.expression) if isinstance(s, exp.Interval)), None)
        if interval is not None and interval.name == "1":
            factor = product.expression if interval is product.this else product.this
            if isinstance(node, exp.Sub):
                factor = exp.Neg(this=exp.paren(factor, copy=False))
            return _f("DATEADD", exp.var(interval.args["unit"].name.upper()), factor, node.this)
    return node


# -- booleans ------------------------------------------------------------------------------
def _is_boolean(node: exp.Expression) -> bool:
    """Whether the expression's value is visibly a boolean (a bare column cannot be told apart)."""
    node = node.unnest()
    if isinstance(node, (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.LogicalOr, exp.LogicalAnd)):
        return True
    if isinstance(node, exp.Case):
        branches = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
        return any(b is not None and _is_boolean(b) for b in branches)
    if isinstance(node, exp.Coalesce):
        return any(_is_boolean(a) for a in [node.this, *node.expressions])
    return False


# -- the table per engine: node class -> rewrite -------------------------------------------
# A class's entry applies to its subclasses too (the most specific entry wins).
TRANSFORMS: dict[str, dict[type, Rewrite]] = {
    "duckdb": {
        UtcToLocal: _utc_to_local(_at_time_zones),
        **_HOUR_START,
    },
    "spark": {
        UtcToLocal: _utc_to_local(lambda x, tz: _f("FROM_UTC_TIMESTAMP", x, tz)),
        **_HOUR_START,
        exp.AtTimeZone: _bare_at_time_zone("spark"),
        # UNIX_TIMESTAMP would drop the fraction; long / double is double
        exp.TimeToUnix: _epoch(lambda x: _micros_over(_f("UNIX_MICROS", x), "1E6")),
        **_percentiles(_spark_percentile),
        exp.DataType: _naive_timestamp("TIMESTAMP", "spark"),
        exp.DayOfWeekIso: lambda node: exp.paren(exp.Add(this=_f("WEEKDAY", node.this), expression=_num(1)),
                                                 copy=False),
        exp.Concat: _concat_skipping_nulls,
        **_NULLS_IN_GREATEST,
    },
    "trino": {
        UtcToLocal: _utc_to_local(_trino_local),
        **_HOUR_START,
        exp.AtTimeZone: _bare_at_time_zone("trino"),
        exp.TimeToUnix: _epoch(lambda x: _f("TO_UNIXTIME", _f("WITH_TIMEZONE", x, _s("UTC")))),
        **_percentiles(_array_percentile("trino")),
        exp.DataType: _naive_timestamp("TIMESTAMP", "trino"),
        exp.Concat: _concat_skipping_nulls,
        **_NULLS_IN_CATALOG_GREATEST,
    },
    "postgres": {
        exp.Max: _postgres_boolean_max,
        exp.Min: _postgres_boolean_max,
        UtcToLocal: _utc_to_local(_at_time_zones),
        **_HOUR_START,
        exp.AtTimeZone: _bare_at_time_zone("postgres"),
        exp.TimeToUnix: _epoch(lambda x: exp.cast(exp.Extract(this=exp.var("EPOCH"), expression=x), _TYPE.DOUBLE)),
        **_percentiles(_postgres_percentile),
        exp.DataType: _naive_timestamp("TIMESTAMP", "postgres"),
        exp.DayOfWeekIso: lambda node: exp.cast(exp.Extract(this=exp.var("ISODOW"), expression=node.this),
                                                _TYPE.INT),
        exp.Hour: _postgres_part,
        exp.Month: _postgres_part,
        exp.Year: _postgres_part,
        **_NULLS_IN_GREATEST,
    },
    "bigquery": {
        UtcToLocal: _utc_to_local(lambda x, tz: _f("DATETIME", _f("TIMESTAMP", x), tz)),
        **_HOUR_START,
        exp.AtTimeZone: _bare_at_time_zone("bigquery"),
        exp.TimeToUnix: _epoch(lambda x: _micros_over(_f("UNIX_MICROS", _f("TIMESTAMP", x)), _MILLION)),
        **_percentiles(_array_percentile("bigquery")),
        exp.DataType: _naive_timestamp("DATETIME", "bigquery"),
        exp.TimestampTrunc: _bigquery_trunc,
        exp.Concat: _concat_skipping_nulls,
        **_NULLS_IN_CATALOG_GREATEST,
    },
    "snowflake": {
        UtcToLocal: _utc_to_local(lambda x, tz: _f("CONVERT_TIMEZONE", _s("UTC"), tz, x)),
        BackToHourStart: _snowflake_back_to_hour_start,
        exp.AtTimeZone: _bare_at_time_zone("snowflake"),
        exp.TimeToUnix: _epoch(lambda x: _micros_over(_f("DATE_PART", exp.var("EPOCH_MICROSECOND"), x), _MILLION)),
        **_percentiles(_snowflake_percentile, median=False),  # Snowflake's MEDIAN is exact
        exp.DataType: _naive_timestamp("TIMESTAMPNTZ", "snowflake"),
        exp.TimestampTrunc: _snowflake_trunc,
        exp.Concat: _concat_skipping_nulls,
        exp.Add: _snowflake_interval_product,
        exp.Sub: _snowflake_interval_product,
    },
}
