"""A reference evaluator in plain Python: the test oracle of the SQL path.

`evaluate(report, tables, catalog)` computes a checked `Report`'s rows straight from the
contract's semantics (shared/contract/spec-language.md, "Aggregation semantics"), without
the planner, SQL or DuckDB:

1. joined rows: every source row, extended along each relationship path the report uses
   (parents before children) with outer-join semantics: a to-one step follows the link
   column (null or dangling: the node is None), a to-many step gives one joined row per
   child (no child: one row with the node None), and a node under a None node is None;
2. the filters (and the date range) keep the joined rows where they are true, with SQL
   three-valued logic (None = unknown);
3. the dimensions group the rows (time buckets in the report's zone); without dimensions
   there is exactly one group, even when no row is left;
4. each aggregate runs over the distinct rows of its grain node present in the group
   (told apart by primary key, or by position in a table without one); a missing side
   (None) is not a row of the entity and is never aggregated; sum_if/avg_if pick a grain
   row when their condition holds on any of its joined rows;
5. gap filling (`fill_gaps`, with time-bucket dimensions): the combinations of the bucket
   dimensions' values are those of some instant of the date range, found by sampling it
   every 30 minutes and at its last instant (each bucket overlapping the range holds one
   such instant), or, for cyclic granularities only, every combination of their cycles;
   each is crossed with the other dimensions' value tuples that have groups, and every
   combination without a group becomes an empty group, whose aggregates run over no rows
   (count 0, sum null, `count() + 1` is 1); a calendar granularity without a bounded range
   fills nothing;
6. measures, having, sort (nulls last in both directions; then the dimensions), limit.

Values: ints, floats, str, bool, `datetime` (naive UTC instants), `date`, None. A bucket
is a `date` for day and coarser, the UTC instant of the local hour start for `hour`, an
int for the cyclic granularities.

Fields the catalog defines by `sql` come from their plain-Python definitions in
sql_fields.py: the definition's value for a row it covers, the field's `default` for an
existing row it does not cover, and None for a missing row (a link to nothing).

Left out (NotImplementedError): derived entities, SQL-derived fields without a Python
definition, and compare.
"""
from __future__ import annotations

import functools
import itertools
import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from reportbuilder.check.literals import parse_interval
from reportbuilder.expr.scalars import SECONDS_BETWEEN
from reportbuilder.check.resolved import Agg, Const, EntityRef, Field, OutputRef
from reportbuilder.expr import ast
from reportbuilder.timeframe.ranges import range_to_utc
from reportbuilder.timeframe.units import add_months, start_of

from .sql_fields import SQL_FIELDS

_COMPARE = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}
_INTERVAL_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
_INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_CYCLES = {"hour_of_day": range(24), "day_of_week": range(1, 8), "month_of_year": range(1, 13)}
_SAMPLE_STEP = timedelta(minutes=30)  # no local hour is shorter (Australia/Lord_Howe's spring hour)


# The path each dashboard-wide filter takes from a source (docs/reports.md), written out
# here so that the engine's catalog and specs are checked against it, not copied from it.
_TICKET_PATHS = {"owner": "owner.name", "team": "owner.team.name", "channel_account": "channel_account",
                 "pipeline": "pipeline", "company": "company.name"}
DASHBOARD_PATHS = {
    "tickets": _TICKET_PATHS,
    "companies": {"company": "name"},
    "contacts": {"company": "company.name"},
    "owners": {"owner": "name", "team": "team.name"},
    "conversations": {"owner": "owner.name", "team": "owner.team.name", "channel_account": "ticket.channel_account",
                      "pipeline": "ticket.pipeline", "company": "contact.company.name"},
    "calls": {"owner": "owner.name", "team": "owner.team.name", "channel_account": "phone_number",
              "pipeline": "ticket.pipeline", "company": "contact.company.name"},
    "messages": {k: "conversation." + v for k, v in _TICKET_PATHS.items() if k in ("owner", "team")}
    | {"channel_account": "conversation.ticket.channel_account", "pipeline": "conversation.ticket.pipeline",
       "company": "conversation.contact.company.name"},
}
DASHBOARD_PATHS["agent_workload"] = {"owner": "owner.name", "team": "owner.team.name"}  # shifts have no ticket
for _source in ("ticket_status_changes", "feedback_submissions", "ticket_status_periods", "response_turns",
                "ticket_events"):
    DASHBOARD_PATHS[_source] = {k: "ticket." + v for k, v in _TICKET_PATHS.items()}


def evaluate(report, tables: dict[str, list[dict]], catalog, dashboard_filters=()) -> list[dict]:
    """The rows of `report` over `tables` (table name -> rows as dicts), in output order;
    `dashboard_filters` ((key, value or list of values) pairs) keep the source rows whose
    field at DASHBOARD_PATHS[source][key] is (one of) the value(s)."""
    if report.compare:
        raise NotImplementedError("compare is not covered by the reference evaluator")
    return _Evaluation(report, tables, catalog, dashboard_filters).rows()


# --- three-valued logic ---------------------------------------------------------------
def and3(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or3(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def not3(a):
    return None if a is None else not a


def like(text: str, pattern: str, ignore_case: bool = False) -> bool:
    """SQL LIKE: `%` any run of characters, `_` exactly one, everything else literal."""
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, text, flags) is not None


# --- time -------------------------------------------------------------------------------
def to_local(instant: datetime, tz: str) -> datetime:
    """Naive wall-clock time in `tz` of a naive UTC instant."""
    return instant.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def hour_bucket(instant: datetime, tz: str) -> datetime:
    """The UTC instant at which the local hour holding `instant` began: the latest instant
    not after it whose wall time is that hour's HH:00 (so a repeated fall-back hour is two
    buckets); when a spring-forward gap swallowed HH:00, the instant the gap ended."""
    local = to_local(instant, tz)
    wall = local.replace(minute=0, second=0, microsecond=0)
    zone = ZoneInfo(tz)
    starts = []
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold).astimezone(timezone.utc).replace(tzinfo=None)
        if candidate <= instant and to_local(candidate, tz) == wall:
            starts.append(candidate)
    if starts:
        return max(starts)
    moment = instant.replace(second=0, microsecond=0)  # zone offsets change on whole minutes
    while to_local(moment - timedelta(minutes=1), tz) >= wall:
        moment -= timedelta(minutes=1)
    return moment


def time_bucket(instant, granularity: str, tz: str, week_start: str):
    if instant is None:
        return None
    if granularity == "hour":
        return hour_bucket(instant, tz)
    local = to_local(instant, tz)
    if granularity == "hour_of_day":
        return local.hour
    if granularity == "day_of_week":
        return local.isoweekday()
    if granularity == "month_of_year":
        return local.month
    return start_of(local.date(), granularity, week_start)


def add_interval(moment: datetime, text: str, sign: int) -> datetime:
    for amount, unit in parse_interval(text):
        if unit in _INTERVAL_MONTHS:
            if amount != int(amount):
                raise NotImplementedError("fractional month intervals")
            day = add_months(moment.date(), sign * int(amount) * _INTERVAL_MONTHS[unit])
            moment = moment.replace(year=day.year, month=day.month, day=day.day)
        else:
            moment += timedelta(seconds=sign * amount * _INTERVAL_SECONDS[unit])
    return moment


# --- aggregates -------------------------------------------------------------------------
def quantile_cont(values: list, fraction: float):
    """Linear interpolation between the closest ranks (DuckDB's quantile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def total(values: list):
    if not values:
        return None
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return math.fsum(values)


def mean(values: list):
    return None if not values else total(values) / len(values)


# --- the evaluation -----------------------------------------------------------------------
class _Evaluation:
    def __init__(self, report, tables, catalog, dashboard_filters=()):
        self.report, self.tables, self.catalog = report, tables, catalog
        self.dashboard_filters = dashboard_filters
        self.tz, self.week_start = report.timezone, report.week_start
        self._sql_values: dict = {}

    def _sql_field(self, entity: str, name: str) -> dict:
        """{key: value} of a field the catalog defines by SQL, from its Python definition."""
        if (entity, name) not in self._sql_values:
            if (entity, name) not in SQL_FIELDS:
                raise NotImplementedError(f"sql-derived field {entity}.{name}")
            self._sql_values[(entity, name)] = SQL_FIELDS[(entity, name)](self.tables)
        return self._sql_values[(entity, name)]

    # joined rows
    def rows(self) -> list[dict]:
        joined = self._joined_rows()
        kept = [jr for jr in joined if self._passes(jr)]
        groups = self._filled(self._groups(kept))
        out = []
        for key, members in groups.items():
            row = {d.name: v for d, v in zip(self.report.dimensions, key)}
            for m in self.report.measures:
                row[m.name] = self.eval(m.expr, None, members)
            out.append(row)
        out = [row for row in out if all(self.eval(h, None, None, row) is True for h in self.report.having)]
        out = sort_rows(out, sort_order(self.report))
        return out if self.report.limit is None else out[: self.report.limit]

    def _used_paths(self) -> list[tuple]:
        exprs = list(self.report.filters) + [d.expr for d in self.report.dimensions]
        exprs += [m.expr for m in self.report.measures]
        if self.report.window is not None:
            exprs.append(self.report.window.field)
        paths = {()}
        for expr in exprs:
            for node in walk(expr):
                for path in _paths_of(node):
                    paths.update(path[:i] for i in range(len(path) + 1))
        return sorted(paths, key=lambda p: (len(p), p))

    def _entity_rows(self, name: str) -> list[tuple]:
        """(key, row) of every row of an entity: key = primary key value, else ('row', position)."""
        entity = self.catalog.entity(name)
        if entity.table is None:
            raise NotImplementedError(f"derived entity {name}")
        rows = self.tables.get(entity.table, [])
        pk = entity.primary_key
        return [((row[pk] if pk else ("row", i)), row) for i, row in enumerate(rows)]

    def _joined_rows(self) -> list[dict]:
        source = self.report.source
        joined = [{(): item} for item in self._entity_rows(source)]
        entity_of = {(): source}
        for path in self._used_paths():
            if not path:
                continue
            parent_entity = self.catalog.entity(entity_of[path[:-1]])
            rel = parent_entity.relationship(path[-1])
            entity_of[path] = rel.target
            targets = self._entity_rows(rel.target)
            extended = []
            for jr in joined:
                parent = jr[path[:-1]]
                for child in self._step(rel, parent_entity, parent, targets):
                    extended.append({**jr, path: child})
            joined = extended
        return joined

    def _follow(self, row: dict, path: str):
        """The value at a dotted path of many-to-one steps from a source row (None past a
        missing link)."""
        entity = self.catalog.entity(self.report.source)
        *steps, column = path.split(".")
        for step in steps:
            rel = entity.relationship(step)
            entity = self.catalog.entity(rel.target)
            link = row[rel.column]
            row = next((r for _, r in self._entity_rows(entity.name) if link is not None
                        and r[entity.primary_key] == link), None)
            if row is None:
                return None
        return row[column]

    def _step(self, rel, parent_entity, parent, targets) -> list:
        if parent is None:
            return [None]
        if rel.to_many:
            key = parent[1][parent_entity.primary_key]
            children = [t for t in targets if key is not None and t[1][rel.column] == key]
            return children or [None]
        link = parent[1][rel.column]
        target_pk = self.catalog.entity(rel.target).primary_key
        matches = [t for t in targets if link is not None and t[1][target_pk] == link]
        return matches or [None]

    # filters and groups
    def _passes(self, jr) -> bool:
        for condition in self.report.filters:
            if self.eval(condition, jr) is not True:
                return False
        for key, value in self.dashboard_filters:
            found = self._follow(jr[()][1], DASHBOARD_PATHS[self.report.source][key])
            if found is None or found not in (value if isinstance(value, (list, tuple)) else [value]):
                return False
        window = self.report.window
        if window is None:
            return True
        start, end = range_to_utc(window.range, self.tz)
        value = self.eval(window.field, jr)
        if value is None:
            return start is None and end is None
        return (start is None or value >= start) and (end is None or value < end)

    def _groups(self, kept) -> dict:
        if not self.report.dimensions:
            return {(): kept}
        groups: dict = {}
        for jr in kept:
            key = tuple(self._dimension_value(d, jr) for d in self.report.dimensions)
            groups.setdefault(key, []).append(jr)
        return groups

    def _filled(self, groups: dict) -> dict:
        """The groups plus an empty group for each missing combination (step 5)."""
        dims = self.report.dimensions
        bucketed = [i for i, d in enumerate(dims) if d.granularity]
        if not self.report.fill_gaps or not bucketed:
            return groups
        granularities = [dims[i].granularity for i in bucketed]
        if all(g in _CYCLES for g in granularities):
            combos = set(itertools.product(*(_CYCLES[g] for g in granularities)))
        elif self.report.window is not None and self.report.window.range.bounded:
            combos = {tuple(time_bucket(t, g, self.tz, self.week_start) for g in granularities)
                      for t in self._range_samples()}
        else:
            return groups
        others = {tuple(v for i, v in enumerate(key) if i not in bucketed) for key in groups}
        if len(bucketed) == len(dims):
            others = {()}
        filled = dict(groups)
        for combo, rest in itertools.product(combos, others):
            values, rest = dict(zip(bucketed, combo)), iter(rest)
            filled.setdefault(tuple(values[i] if i in values else next(rest) for i in range(len(dims))), [])
        return filled

    def _range_samples(self) -> list[datetime]:
        """Instants of the date range every 30 minutes from its start, and its last instant."""
        start, end = range_to_utc(self.report.window.range, self.tz)
        samples, moment = [], start
        while moment < end:
            samples.append(moment)
            moment += _SAMPLE_STEP
        return samples + ([end - timedelta(microseconds=1)] if end > start else [])

    def _dimension_value(self, dim, jr):
        value = self.eval(dim.expr, jr)
        if dim.granularity:
            return time_bucket(value, dim.granularity, self.tz, self.week_start)
        return value

    # aggregates
    def aggregate(self, agg: Agg, members: list[dict]):
        grain_rows = {}
        for jr in members:
            node = jr[agg.grain]
            if node is not None and node[0] not in grain_rows:
                grain_rows[node[0]] = jr
        rows = list(grain_rows.values())
        func, args = agg.func, agg.args
        if func == "count" and not args:
            return len(rows)
        if func in ("count", "count_distinct") and isinstance(args[0], EntityRef):
            keys = [jr[args[0].path][0] for jr in rows if jr[args[0].path] is not None]
            return len(set(keys)) if func == "count_distinct" else len(keys)
        if func == "count_if":
            return sum(1 for jr in rows if self.eval(args[0], jr) is True)
        if func in ("sum_if", "avg_if"):
            # the grain is the value's alone: a grain row is picked once when the condition
            # holds on any of its joined rows (one with a matching to-many child)
            picked = {}
            for jr in members:
                if jr[agg.grain] is not None and self.eval(args[1], jr) is True:
                    picked.setdefault(jr[agg.grain][0], jr)
            values = [v for v in (self.eval(args[0], jr) for jr in picked.values()) if v is not None]
            return total(values) if func == "sum_if" else mean(values)
        values = [v for v in (self.eval(args[0], jr) for jr in rows) if v is not None]
        if func == "count":
            return len(values)
        if func == "count_distinct":
            return len(set(values))
        if func == "sum":
            return total(values)
        if func == "avg":
            return mean(values)
        if func == "min":
            return min(values) if values else None
        if func == "max":
            return max(values) if values else None
        if func == "median":
            return quantile_cont(values, 0.5)
        if func == "percentile":
            return quantile_cont(values, float(args[1].value))
        raise NotImplementedError(f"aggregate {func}")

    # expressions
    def eval(self, node, jr, members=None, output=None):
        """Value of `node` on a joined row `jr`, a group's rows `members` (aggregates) or
        an output row `output` (having)."""
        ev = lambda child: self.eval(child, jr, members, output)  # noqa: E731
        if isinstance(node, Const):
            return node.value
        if isinstance(node, Field):
            item = jr[node.path]
            if item is None:  # a missing row has no fields, not even a derived field's default
                return None
            if node.column.sql is not None:
                value = self._sql_field(node.entity, node.column.name).get(item[0])
                return node.column.default if value is None else value
            return item[1][node.column.name]
        if isinstance(node, OutputRef):
            return output[node.name]
        if isinstance(node, Agg):
            return self.aggregate(node, members)
        if isinstance(node, ast.Unary):
            value = ev(node.operand)
            if node.op == "not":
                return not3(value)
            return None if value is None else -value
        if isinstance(node, ast.Binary):
            return self._binary(node, ev)
        if isinstance(node, ast.InList):
            return self._in_list(node, ev)
        if isinstance(node, ast.Between):
            value, low, high = ev(node.operand), ev(node.low), ev(node.high)
            inside = and3(_compare(">=", value, low), _compare("<=", value, high))
            return not3(inside) if node.negated else inside
        if isinstance(node, ast.IsNull):
            return (ev(node.operand) is not None) if node.negated else (ev(node.operand) is None)
        if isinstance(node, ast.Case):
            for condition, value in node.whens:
                if ev(condition) is True:
                    return ev(value)
            return None if node.default is None else ev(node.default)
        if isinstance(node, ast.Call):
            return self._call(node, ev)
        raise NotImplementedError(f"expression node {type(node).__name__}")

    def _binary(self, node, ev):
        op = node.op
        if op == "and":
            return and3(ev(node.left), ev(node.right))
        if op == "or":
            return or3(ev(node.left), ev(node.right))
        left, right = ev(node.left), ev(node.right)
        if op in _COMPARE:
            return _compare(op, left, right)
        if left is None or right is None:
            return None
        if op in ("like", "ilike"):
            return like(left, right, op == "ilike")
        if isinstance(left, datetime) and isinstance(right, str):
            return add_interval(left, right, -1 if op == "-" else 1)
        if isinstance(right, datetime) and isinstance(left, str):
            return add_interval(right, left, 1)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            return None if right == 0 else float(left) / right
        if op == "%":
            return _modulo(left, right)
        raise NotImplementedError(f"operator {op}")

    def _in_list(self, node, ev):
        value = ev(node.operand)
        items = [ev(i) for i in node.items]
        if value is None:
            found = None
        elif any(i is not None and i == value for i in items):
            found = True
        elif any(i is None for i in items):
            found = None
        else:
            found = False
        return not3(found) if node.negated else found

    def _call(self, node, ev):
        """A scalar call by its Python meaning in MEANINGS (null in, null out unless it sees nulls)."""
        if node.name not in MEANINGS:
            raise NotImplementedError(f"function {node.name}")
        meaning, sees_nulls = MEANINGS[node.name]
        args = [ev(a) for a in node.args]
        if not sees_nulls and any(a is None for a in args):
            return None
        return meaning(self, args)


def spreadsheet_round(x: float, places: int) -> float:
    """round(x, n) as docs/spec-language.md defines it: the shortest spelling of the double
    (repr reads back as x), rounded half away from zero; from 1e17 on a double is whole."""
    if not math.isfinite(x) or abs(x) >= 1e17:
        return x
    with localcontext(prec=60):  # 10^17 with 12 places needs more than the default 28 digits
        return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _as_instant(value):
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _compare(op, left, right):
    if left is None or right is None:
        return None
    return _COMPARE[op](left, right)


def _modulo(left, right):
    """SQL %: the sign of the dividend; None (not an error) for a zero divisor."""
    if right == 0:
        return None
    if isinstance(left, int) and isinstance(right, int):
        rest = abs(left) % abs(right)
        return rest if left >= 0 else -rest
    return math.fmod(left, right)


# --- walking resolved expressions ----------------------------------------------------------
def walk(node):
    yield node
    kids = node.args if isinstance(node, Agg) else ast.children(node)
    for child in kids:
        yield from walk(child)


def _paths_of(node):
    if isinstance(node, (Field, EntityRef)):
        yield node.path
    if isinstance(node, Agg):
        yield node.grain


# --- ordering ------------------------------------------------------------------------------
def sort_order(report) -> list[tuple[str, bool]]:
    """The spec's sort, then the dimensions not in it, ascending."""
    order = list(report.sort)
    named = {name for name, _ in order}
    order += [(d.name, False) for d in report.dimensions if d.name not in named]
    return order


def compare_values(a, b, descending: bool) -> int:
    """ORDER BY of one column, nulls last in both directions (docs/spec-language.md)."""
    if a is None or b is None:
        return (a is None) - (b is None)
    if a == b:
        return 0
    result = -1 if a < b else 1
    return -result if descending else result


def sort_rows(rows: list[dict], order: list[tuple[str, bool]]) -> list[dict]:
    def cmp(x, y):
        for name, descending in order:
            c = compare_values(x[name], y[name], descending)
            if c:
                return c
        return 0

    return sorted(rows, key=functools.cmp_to_key(cmp))


def _local(evaluator, value):
    """A timestamp as local time in the report zone (a date stays a date)."""
    return to_local(_as_instant(value), evaluator.tz) if isinstance(value, datetime) else value


def _extreme(pick, args):  # greatest / least skip nulls
    present = [a for a in args if a is not None]
    return pick(present) if present else None


def _local_date(evaluator, args):
    local = _local(evaluator, args[0])
    return local.date() if isinstance(local, datetime) else local


# The Python meaning of each scalar function of expr.scalars (the business-time functions
# are left out: they read calendars): name -> ((evaluator, args) -> value, whether it sees nulls).
MEANINGS = {
    "date_trunc": (lambda r, a: time_bucket(a[1], a[0], r.tz, r.week_start), True),
    "coalesce": (lambda r, a: next((x for x in a if x is not None), None), True),
    "if": (lambda r, a: a[1] if a[0] is True else a[2], True),
    "concat": (lambda r, a: "".join(str(x) for x in a if x is not None), True),
    "greatest": (lambda r, a: _extreme(max, a), True),
    "least": (lambda r, a: _extreme(min, a), True),
    "nullif": (lambda r, a: None if a[0] is not None and a[0] == a[1] else a[0], True),
    SECONDS_BETWEEN: (lambda r, a: (_as_instant(a[0]) - _as_instant(a[1])).total_seconds(), False),
    "minutes": (lambda r, a: float(a[0]) / 60, False),
    "hours": (lambda r, a: float(a[0]) / 3600, False),
    "days": (lambda r, a: float(a[0]) / 86400, False),
    "lower": (lambda r, a: a[0].lower(), False),
    "upper": (lambda r, a: a[0].upper(), False),
    "length": (lambda r, a: len(a[0]), False),
    "abs": (lambda r, a: abs(a[0]), False),
    "floor": (lambda r, a: math.floor(a[0]), False),
    "ceil": (lambda r, a: math.ceil(a[0]), False),
    "round": (lambda r, a: spreadsheet_round(float(a[0]), a[1] if len(a) > 1 else 0), False),
    "date": (_local_date, False),
    "hour": (lambda r, a: _local(r, a[0]).hour, False),
    "day_of_week": (lambda r, a: _local(r, a[0]).isoweekday(), False),
    "month": (lambda r, a: _local(r, a[0]).month, False),
    "year": (lambda r, a: _local(r, a[0]).year, False),
}
