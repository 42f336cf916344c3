"""Every diagnostic code, with what it means: the one table of the `Diagnostic.code`s.

Codes are stable (tests and tools match on them, not on wording), so a new problem gets a
row here first; tests/test_diagnostic_codes.py scans the package for codes not in this
table and produces each code from a spec, with its position. docs/errors.md is generated
from it: `python -m reportbuilder.diagnostic_codes > docs/errors.md`.
"""
from __future__ import annotations

# (stage, code, meaning): the stage groups the page.
_ROWS: tuple[tuple[str, str, str], ...] = (
    ("load", "spec-not-found", "no spec file or built-in report has this name, or the file cannot be read"),
    ("load", "not-utf8", "the spec file is not UTF-8 text"),
    ("load", "spec-too-large", "the spec (or what its YAML aliases expand to) is over the size limit"),
    ("load", "spec-too-deep", "lists and mappings nest deeper than the limit"),
    ("load", "recursive-alias", "a YAML alias refers to the list or mapping that contains it"),
    ("load", "yaml-syntax", "the text is not valid YAML, or uses a YAML feature specs do not allow"),
    ("load", "duplicate-key", "a mapping has the same key twice"),
    ("load", "spec-not-mapping", "the spec is not a mapping of keys (source:, measures:, ...)"),
    ("load", "unknown-key", "a key the spec (or workspace access entry) does not know, with a did-you-mean"),
    ("load", "invalid-spec", "a value has the wrong shape for its key (JSON Schema of the spec)"),
    ("load", "empty-spec", "the builder posted an empty spec"),
    ("check", "unknown-source", "`source:` names no entity of the data model"),
    ("check", "unknown-timezone", "the time zone is not an IANA name"),
    ("check", "expr-syntax", "an expression does not parse"),
    ("check", "expr-too-deep", "an expression nests deeper than the limit"),
    ("check", "unknown-field", "a name is no field (or entity) reachable from where it is used"),
    ("check", "unknown-column", "sort or having names no column of the report"),
    ("check", "unknown-function", "a function name the language does not have"),
    ("check", "wrong-arguments", "a function is called with the wrong number of arguments"),
    ("check", "type-mismatch", "a value of the wrong type (a filter that is no condition, text compared "
                               "with a number, ...)"),
    ("check", "bad-argument", "an argument that must be a literal of a given form is not "
                              "(a date_trunc unit, round places, a calendar name)"),
    ("check", "bad-percentile", "a percentile fraction outside 0..1"),
    ("check", "bad-interval", "a text that should be an interval such as '7 days' is not"),
    ("check", "bad-timestamp", "a text compared with a timestamp is not a date or timestamp"),
    ("check", "unknown-calendar", "business_seconds/business_add name a calendar the workspace lacks"),
    ("check", "aggregate-not-allowed", "an aggregate (or a measure) where rows are expected: "
                                       "dimensions, filters"),
    ("check", "nested-aggregate", "an aggregate inside another aggregate"),
    ("check", "not-aggregate", "a measure that aggregates nothing"),
    ("check", "field-outside-aggregate", "a measure uses a field outside any aggregate"),
    ("check", "entity-not-value", "an entity (rows) used where a value is expected"),
    ("check", "mixed-grain", "one aggregate mixes fields of rows that are not one-to-one"),
    ("check", "no-join-path", "no path of links reaches the entity from the source"),
    ("check", "ambiguous-join-path", "several paths of links reach the entity: name one"),
    ("check", "recursive-definition", "a derived field or named measure refers to itself"),
    ("check", "bad-catalog", "a derived field or named measure of the data model does not parse"),
    ("check", "hidden-field", "the viewer's role hides this field"),
    ("check", "duplicate-column", "two output columns have the same name"),
    ("check", "unknown-granularity", "`granularity:` is not one of the time units"),
    ("check", "bad-date-range", "the date range is not understood (preset, dates, order)"),
    ("check", "no-time-field", "a date range on a source without a default time field and no `field:`"),
    ("check", "compare-needs-range", "`compare:` without a bounded date range"),
    ("check", "too-many-buckets", "the date range holds more time buckets than a report may fill"),
    ("check", "unknown-chart-type", "`chart: type:` is not a known chart type"),
    ("check", "chart-unknown-column", "the chart names a column the report does not have"),
    ("check", "bad-dashboard-filter", "a dashboard filter path that is not a field of the panel's source"),
    ("workspace", "bad-workspace", "the workspace file is invalid (YAML, keys, calendars, users)"),
    ("workspace", "bad-now", "`--now` or `demo_now` is not an ISO timestamp"),
    ("workspace", "bad-user", "a user entry is malformed (key, role, token, attributes)"),
    ("workspace", "duplicate-user", "a user is listed twice"),
    ("workspace", "role-without-users", "an access role no user has"),
    ("workspace", "unknown-entity", "an access rule names no entity of the data model"),
    ("workspace", "bad-access", "an access rule is malformed (not a filter, hides a key)"),
    ("workspace", "derived-entity", "an access rule on an entity computed from others"),
    ("workspace", "unknown-attribute", "an access filter uses a user attribute no user of the role has"),
    ("workspace", "bad-user-attribute", "`user.NAME` in an access filter is not one attribute name"),
    ("workspace", "filter-not-boolean", "an access filter is no condition"),
    ("workspace", "to-many-access-path", "an access filter follows a one-to-many path"),
    ("workspace", "no-users", "`--as` with a workspace that lists no users"),
    ("workspace", "unknown-user", "`--as` names no user of the workspace"),
    ("dashboard", "dashboard-not-found", "no dashboard file or built-in dashboard has this name"),
    ("dashboard", "bad-dashboard", "the dashboard file is invalid"),
    ("rows", "bad-cell", "`--cell` is not NAME=VALUE, or names a dimension twice"),
    ("rows", "unknown-cell-dimension", "`--cell` names no dimension of the report"),
    ("rows", "missing-cell-dimension", "`--cell` leaves a dimension of the report without a value"),
    ("rows", "bad-cell-value", "a `--cell` value is not of its dimension's type"),
    ("rows", "no-such-cell", "the report has no row with these cell values"),
    ("rows", "unknown-measure", "`--measure` names no measure of the report"),
    ("rows", "not-a-ratio", "`--part` on a measure that is not a ratio"),
    ("rows", "mixed-grains", "the measure aggregates rows of several grains: no single list of rows"),
    ("rows", "bad-part", "`--part` is neither numerator nor denominator"),
    ("rows", "bad-limit", "`--limit` or `--offset` is negative"),
)

STAGES: tuple[str, ...] = ("load", "check", "workspace", "dashboard", "rows")
CODES: dict[str, str] = {code: meaning for _, code, meaning in _ROWS}
STAGE_OF: dict[str, str] = {code: stage for stage, code, _ in _ROWS}


def markdown() -> str:
    """docs/errors.md: every code and its meaning, by stage."""
    lines = ["# Error codes", "",
             "Every problem `rb` reports about a spec, a workspace, a dashboard or a `rb rows` cell is",
             "printed as `FILE:LINE:COL: error: message` (exit code 2) and carries one of these stable",
             "codes (`Diagnostic.code`; the builder's JSON errors and tests use them). Generated from",
             "`reportbuilder/diagnostic_codes.py`: `python -m reportbuilder.diagnostic_codes > docs/errors.md`.",
             "",
             "A report that checks but cannot be expressed as SQL (too many time buckets to fill, a",
             "function another engine lacks) is a build error: `error: message`, exit code 2, no code.",
             ""]
    for stage in STAGES:
        lines += [f"## {stage}", "", "| code | meaning |", "| --- | --- |"]
        lines += [f"| `{code}` | {CODES[code]} |" for s, code, _ in _ROWS if s == stage]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
