"""The last step of `build`: the DuckDB-shaped tree -> SQL text for one engine.

The builder writes one tree with DuckDB's meaning. Most of it prints correctly for any
engine through sqlglot; the nodes below do not mean the same elsewhere and are rewritten
first (on a copy), so that the SQL is right for the engine, not just parseable:

    naive UTC -> local     x AT TIME ZONE 'UTC' AT TIME ZONE tz   (DuckDB, Postgres)
                           from_utc_timestamp(x, tz)               (Spark)
                           CAST(at_timezone(with_timezone(x, 'UTC'), tz) AS TIMESTAMP)  (Trino)
                           CONVERT_TIMEZONE('UTC', tz, x)          (Snowflake)
                           DATETIME(TIMESTAMP(x), tz)              (BigQuery)
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

A construct an engine cannot express raises `DialectError` naming it and the engine.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from .build_sql import BuildError

_TYPE = exp.DataType.Type

DIALECTS = ("duckdb", "spark", "trino", "postgres", "bigquery", "snowflake")


class DialectError(BuildError):
    """A construct of the report that the target engine cannot express."""

    def __init__(self, feature: str, dialect: str, hint: str = ""):
        super().__init__(f"{feature} cannot be expressed in the {dialect} dialect" + (f": {hint}" if hint else ""))
        self.feature, self.dialect = feature, dialect


def to_dialect(tree: exp.Expression, dialect: str, pretty: bool = True) -> str:
    """SQL text of `tree` (built with DuckDB's meaning) that means the same on `dialect`."""
    if dialect not in DIALECTS:
        raise DialectError(f"dialect '{dialect}'", dialect, f"known dialects: {', '.join(DIALECTS)}")
    if dialect == "duckdb":
        return tree.sql(dialect="duckdb", pretty=pretty)
    return _rewrite_tree(tree.copy(), dialect).sql(dialect=dialect, pretty=pretty)


def _rewrite_tree(node: exp.Expression, dialect: str) -> exp.Expression:
    """Children first, then the node (a replaced node's children are already rewritten)."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _rewrite_tree(value, dialect))
        elif isinstance(value, list):
            node.set(key, [_rewrite_tree(v, dialect) if isinstance(v, exp.Expression) else v for v in value])
    return _rewrite(node, dialect)


def _s(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _f(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _num(value) -> exp.Literal:
    return exp.Literal.number(str(value))


# -- time zones ----------------------------------------------------------------------------
def _utc_to_local(node: exp.AtTimeZone) -> tuple[exp.Expression, exp.Expression] | None:
    """(x, tz) when node is `x AT TIME ZONE 'UTC' AT TIME ZONE tz` (naive UTC -> naive local)."""
    inner = node.this
    if isinstance(inner, exp.AtTimeZone) and isinstance(inner.args.get("zone"), exp.Literal) \
            and inner.args["zone"].name.upper() == "UTC":
        return inner.this, node.args["zone"]
    return None


def _local(x: exp.Expression, tz: exp.Expression, dialect: str) -> exp.Expression:
    if dialect == "spark":
        return _f("FROM_UTC_TIMESTAMP", x, tz)
    if dialect == "trino":
        return exp.cast(_f("AT_TIMEZONE", _f("WITH_TIMEZONE", x, _s("UTC")), tz), _TYPE.TIMESTAMP)
    if dialect == "snowflake":
        return _f("CONVERT_TIMEZONE", _s("UTC"), tz, x)
    if dialect == "bigquery":
        return _f("DATETIME", _f("TIMESTAMP", x), tz)
    return exp.AtTimeZone(this=exp.AtTimeZone(this=x, zone=_s("UTC")), zone=tz)  # postgres


def _epoch(x: exp.Expression, dialect: str) -> exp.Expression:
    """Seconds since 1970 of a naive UTC timestamp, microseconds kept as a fraction."""
    million = exp.Literal.number("1000000.0")
    if dialect == "spark":  # UNIX_TIMESTAMP would drop the fraction; long / double is double
        return exp.paren(exp.Div(this=_f("UNIX_MICROS", x), expression=exp.Literal.number("1E6")), copy=False)
    if dialect == "trino":
        return _f("TO_UNIXTIME", _f("WITH_TIMEZONE", x, _s("UTC")))
    if dialect == "postgres":
        return exp.cast(exp.Extract(this=exp.var("EPOCH"), expression=x), _TYPE.DOUBLE)
    if dialect == "bigquery":
        return exp.paren(exp.Div(this=_f("UNIX_MICROS", _f("TIMESTAMP", x)), expression=million), copy=False)
    if dialect == "snowflake":
        return exp.paren(exp.Div(this=_f("DATE_PART", exp.var("EPOCH_MICROSECOND"), x), expression=million),
                         copy=False)
    return exp.TimeToUnix(this=x)


# -- percentiles ---------------------------------------------------------------------------
_ARRAY_PERCENTILE = {
    # s: the sorted non-null values; n: how many; k = p * (n - 1), 0-based; linear interpolation
    "trino": ("ARRAY_SORT(FILTER(ARRAY_AGG(__x), v -> v IS NOT NULL))", "CARDINALITY({s})",
              "ELEMENT_AT({s}, CAST({i} AS BIGINT) + 1)"),
    "bigquery": ("ARRAY_AGG(__x IGNORE NULLS ORDER BY __x)", "ARRAY_LENGTH({s})",
                 "{s}[SAFE_OFFSET(CAST({i} AS INT64))]"),
}


def _array_percentile(x: exp.Expression, p: exp.Expression, dialect: str) -> exp.Expression:
    agg, count, at = _ARRAY_PERCENTILE[dialect]
    s = agg
    n = count.format(s=s)
    k = f"(__p * ({n} - 1))"
    lo, hi = at.format(s=s, i=f"FLOOR({k})"), at.format(s=s, i=f"CEIL({k})")
    text = f"CASE WHEN {n} > 0 THEN {lo} + ({k} - FLOOR({k})) * ({hi} - {lo}) END"
    tree = sqlglot.parse_one(text, read=dialect)

    def fill(node):
        if isinstance(node, exp.Column) and node.name == "__x":
            return x.copy()
        if isinstance(node, exp.Column) and node.name == "__p":
            return p.copy()
        return node

    return tree.transform(fill)


def _percentile(x: exp.Expression, p: exp.Expression, dialect: str) -> exp.Expression:
    if dialect == "spark":  # exact, linear interpolation between closest ranks (as DuckDB)
        return _f("PERCENTILE", x, p)
    if dialect in _ARRAY_PERCENTILE:
        return _array_percentile(x, p, dialect)
    if dialect == "snowflake":
        return exp.WithinGroup(this=_f("PERCENTILE_CONT", p), expression=exp.Order(expressions=[exp.Ordered(this=x)]))
    return exp.PercentileCont(this=x, expression=p)  # postgres: PERCENTILE_CONT(p) WITHIN GROUP


# -- nulls in GREATEST / LEAST -------------------------------------------------------------
def _null_skipping(node: exp.Expression) -> exp.Expression:
    """GREATEST(a, b, c) skipping nulls: GREATEST(COALESCE(a, b, c), COALESCE(b, a, c), ...)."""
    args = [node.this, *node.expressions]
    if len(args) < 2:
        return node
    wrapped = [exp.Coalesce(this=a.copy(), expressions=[o.copy() for j, o in enumerate(args) if j != i])
               for i, a in enumerate(args)]
    return type(node)(this=wrapped[0], expressions=wrapped[1:])


def _null_propagating(node: exp.Expression) -> exp.Expression:
    """GREATEST/LEAST of the report language: null when an argument is null (Spark and Postgres skip nulls)."""
    args = [node.this, *node.expressions]
    any_null = exp.or_(*[exp.Is(this=a.copy(), expression=exp.Null()) for a in args])
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=node)


def _concat_skipping_nulls(node: exp.Concat) -> exp.Expression:
    """DuckDB's CONCAT reads a null argument as '' (Spark, Trino, BigQuery and Snowflake give null)."""
    args = [exp.Coalesce(this=exp.cast(a.copy(), _TYPE.VARCHAR), expressions=[_s("")]) for a in node.expressions]
    return exp.Concat(expressions=args, _nulls_as_empty=True)


# -- week and hour arithmetic --------------------------------------------------------------
def _unit(node: exp.TimestampTrunc) -> str:
    unit = node.args.get("unit")
    return (unit.name if unit is not None else "").upper()


def _trunc(node: exp.TimestampTrunc, dialect: str) -> exp.Expression:
    unit, x = _unit(node), node.this
    if dialect == "bigquery":
        return _f("DATETIME_TRUNC", x, exp.var("ISOWEEK" if unit == "WEEK" else unit))
    if dialect == "snowflake" and unit == "WEEK":  # not relying on the WEEK_START parameter
        days_back = exp.Sub(this=_f("DAYOFWEEKISO", x.copy()), expression=_num(1))
        return _f("DATEADD", exp.var("DAY"), exp.Neg(this=exp.paren(days_back, copy=False)),
                  _f("DATE_TRUNC", _s("DAY"), x))
    return node


def _snowflake_hour_start(node: exp.Sub) -> exp.Expression | None:
    """`ts - (local - DATE_TRUNC('HOUR', local))` -> DATEADD(MICROSECOND, -DATEDIFF(...), ts)."""
    inner = node.expression.unnest() if isinstance(node.expression, exp.Paren) else None
    if isinstance(inner, exp.Sub) and isinstance(inner.expression, (exp.TimestampTrunc, exp.Anonymous)):
        trunc = inner.expression
        if isinstance(trunc, exp.TimestampTrunc) and _unit(trunc) == "HOUR":
            diff = _f("DATEDIFF", exp.var("MICROSECOND"), trunc, inner.this)
            return _f("DATEADD", exp.var("MICROSECOND"), exp.Neg(this=diff), node.this)
    return None


def _snowflake_interval_product(node: exp.Expression) -> exp.Expression | None:
    """`ts + n * INTERVAL '1' UNIT` -> DATEADD(UNIT, n, ts) (Snowflake cannot scale intervals)."""
    product = node.expression
    if isinstance(product, exp.Mul):
        interval = next((s for s in (product.this, product.expression) if isinstance(s, exp.Interval)), None)
        if interval is not None and interval.name == "1":
            factor = product.expression if interval is product.this else product.this
            if isinstance(node, exp.Sub):
                factor = exp.Neg(this=exp.paren(factor, copy=False))
            return _f("DATEADD", exp.var(interval.args["unit"].name.upper()), factor, node.this)
    return None


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


# -- the rewrite ---------------------------------------------------------------------------
def _rewrite(node: exp.Expression, dialect: str) -> exp.Expression:
    if isinstance(node, (exp.Max, exp.Min)) and dialect == "postgres" and not node.expressions \
            and _is_boolean(node.this):  # Postgres has no MAX/MIN(boolean); the builder's are caught here too
        return (exp.LogicalOr if isinstance(node, exp.Max) else exp.LogicalAnd)(this=node.this)
    if isinstance(node, exp.AtTimeZone):
        pair = _utc_to_local(node)
        if pair is None:
            if isinstance(node.parent, exp.AtTimeZone):
                return node  # the inner half of a pair: rewritten with its parent, just after
            raise DialectError("a bare AT TIME ZONE conversion", dialect, "only naive UTC -> local is supported")
        return _local(pair[0], pair[1], dialect)
    if isinstance(node, exp.TimeToUnix):
        return _epoch(node.this, dialect)
    if isinstance(node, exp.Median):
        return _percentile(node.this, exp.Literal.number("0.5"), dialect) if dialect != "snowflake" else node
    if isinstance(node, exp.PercentileCont):
        return _percentile(node.this, node.expression, dialect)
    if isinstance(node, exp.DataType):
        if node.is_type(_TYPE.TIMESTAMP, _TYPE.TIMESTAMPNTZ):
            return exp.DataType.build("TIMESTAMP" if dialect == "spark" else "DATETIME" if dialect == "bigquery"
                                      else "TIMESTAMPNTZ" if dialect == "snowflake" else "TIMESTAMP")
        if node.is_type(_TYPE.TIMESTAMPTZ):
            raise DialectError("a time-zone aware timestamp type", dialect)
        return node
    if isinstance(node, exp.DayOfWeekIso):
        if dialect == "spark":
            return exp.paren(exp.Add(this=_f("WEEKDAY", node.this), expression=_num(1)), copy=False)
        if dialect == "postgres":
            return exp.cast(exp.Extract(this=exp.var("ISODOW"), expression=node.this), _TYPE.INT)
        return node
    if isinstance(node, (exp.Hour, exp.Month, exp.Year)) and dialect == "postgres":
        part = type(node).__name__.upper()
        return exp.cast(exp.Extract(this=exp.var(part), expression=node.this), _TYPE.INT)
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in ("hour", "month", "year") \
            and dialect == "postgres":
        return exp.cast(exp.Extract(this=exp.var(str(node.this).upper()), expression=node.expressions[0]), _TYPE.INT)
    if isinstance(node, exp.TimestampTrunc):
        return _trunc(node, dialect)
    if isinstance(node, exp.Concat) and dialect in ("spark", "trino", "bigquery", "snowflake") \
            and not node.args.get("_nulls_as_empty"):
        return _concat_skipping_nulls(node)
    if isinstance(node, (exp.Greatest, exp.Least)):
        if node.args.get("ignore_nulls") and dialect in ("trino", "bigquery"):  # catalog SQL (DuckDB's)
            return _null_skipping(node)
        if not node.args.get("ignore_nulls") and dialect in ("spark", "postgres"):  # the report language
            return _null_propagating(node)
    if dialect == "snowflake" and isinstance(node, (exp.Add, exp.Sub)):
        replaced = (_snowflake_hour_start(node) if isinstance(node, exp.Sub) else None) \
            or _snowflake_interval_product(node)
        if replaced is not None:
            return replaced
    return node
