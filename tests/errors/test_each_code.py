"""Each diagnostic code of the table is produced by some spec (or option), at its position.

Every case writes small files, runs the `rb` command a user would (with --debug, so the
SpecError itself comes back) and checks the code and the span; then runs it again without
--debug and checks the printed line `FILE:LINE:COL: error:` and exit code 2. The expected
position is found in the file's own text (`Token`), independently of the engine. Codes about
command-line options have no position (`None`): they print as `error: message`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.diagnostic_codes import CODES
from reportbuilder.errors import SpecError
from tests.engine.fixture_data import NOW, write_tables


@dataclass(frozen=True)
class Token:
    """Where a diagnostic must point: the first `text` in `file` (on a line containing `line_has`)."""

    text: str
    file: str = "s.yaml"
    line_has: str | None = None

    def position(self, folder: Path) -> tuple[str, int, int]:
        for number, line in enumerate((folder / self.file).read_text(encoding="utf-8").splitlines(), start=1):
            if self.text in line and (self.line_has is None or self.line_has in line):
                return self.file, number, line.index(self.text) + 1
        raise AssertionError(f"{self.text!r} not in {self.file}")


@dataclass(frozen=True)
class At:
    """A position given as numbers (the start of a file, for problems with the whole file)."""

    file: str
    line: int = 1
    column: int = 1

    def position(self, folder: Path) -> tuple[str, int, int]:
        return self.file, self.line, self.column


def spec(text: str, *args: str, workspace: str | None = None, command: str = "validate", **files):
    """A case: s.yaml holding `text` (and rb.yaml holding `workspace`), checked by `rb COMMAND`."""
    written = {"s.yaml": text, **{name.replace("_", "."): body for name, body in files.items()}}
    if workspace is not None:
        written["rb.yaml"] = workspace
    return written, [command, "s.yaml", *args]


LONELY = "entities:\n  lonely:\n    table: lonely\n    primary_key: id\n    columns: {id: integer}\n"
USERS = "users:\n  bob@example.com: {role: member, team: Tier 2}\n"
COUNT = "source: tickets\nmeasures: [count() as n]\n"
BY_PRIORITY = "source: tickets\ndimensions: [priority]\nmeasures: [count() as n]\n"

CASES = {
    # -- load ---------------------------------------------------------------------------------
    "spec-not-found": (({}, ["validate", "nosuch.yaml"]), At("nosuch.yaml")),
    "not-utf8": (spec("source: tick\udcffets\n"), At("s.yaml", 1, 13)),  # the byte 0xff
    "spec-too-large": (spec(COUNT + "# " + "x" * 1_000_000 + "\n"), At("s.yaml")),
    "spec-too-deep": (spec("source: tickets\nx: " + "[" * 40 + "]" * 40 + "\n"), At("s.yaml", 2, 35)),  # the list at depth 33
    "recursive-alias": (spec("source: tickets\nx: &loop [*loop]\n"), Token("*loop")),
    "yaml-syntax": (spec("source: tickets\nmeasures: [count() as n\n"), Token("[")),  # never closed
    "duplicate-key": (spec("source: tickets\nsource: calls\n"), Token("source", line_has="calls")),
    "spec-not-mapping": (spec("- source: tickets\n"), At("s.yaml")),
    "unknown-key": (spec(COUNT + "mesures: [count() as m]\n"), Token("mesures")),
    "invalid-spec": (spec("source: tickets\nmeasures: 5\n"), Token("5")),
    # -- check --------------------------------------------------------------------------------
    "unknown-source": (spec("source: tikets\nmeasures: [count() as n]\n"), Token("tikets")),
    "unknown-timezone": (spec(COUNT + "timezone: Mars/Olympus\n"), Token("Mars/Olympus")),
    "expr-syntax": (spec("source: tickets\nmeasures: [count( as n]\n"), Token("as n")),
    "unknown-field": (spec(COUNT + "filters: [priorty = 'high']\n"), Token("priorty")),
    "unknown-column": (spec(COUNT + "sort: [nope]\n"), Token("nope")),
    "unknown-function": (spec("source: tickets\nmeasures: [fooo(id) as n]\n"), Token("fooo")),
    "wrong-arguments": (spec("source: tickets\nmeasures:\n  - sum(id, id) as n\n"), Token("sum")),
    "type-mismatch": (spec(COUNT + "filters: [subject = 5]\n"), Token("subject")),
    "bad-argument": (spec("source: tickets\ndimensions:\n  - round(id, 'x') as r\nmeasures: [count() as n]\n"),
                     Token("'x'")),
    "bad-percentile": (spec("source: tickets\nmeasures:\n  - percentile(id, 2) as p\n"), Token("2)")),
    "bad-interval": (spec(COUNT + "filters: [created_at > now() - interval '3 fortnights']\n"), Token("interval")),
    "bad-timestamp": (spec(COUNT + "filters: [created_at >= '2025-13-45']\n"), Token("'2025-13-45'")),
    "unknown-calendar": (spec("source: tickets\nmeasures:\n  - sum(business_seconds(created_at, now(), 'nope')) as b\n"),
                         Token("'nope'")),
    "aggregate-not-allowed": (spec(COUNT + "filters: [count() > 3]\n"), Token("count", line_has="filters")),
    "nested-aggregate": (spec("source: tickets\nmeasures: [sum(count()) as n]\n"), Token("count")),
    "not-aggregate": (spec("source: tickets\nmeasures: [1 + 2 as n]\n"), Token("1 + 2")),
    "field-outside-aggregate": (spec("source: tickets\nmeasures: [id as n]\n"), Token("id")),
    "entity-not-value": (spec(COUNT + "filters: [owner = 1]\n"), Token("owner")),
    "mixed-grain": (spec("source: tickets\nmeasures: [sum(conversations.id + feedback_submissions.score) as x]\n"),
                    Token("sum")),
    "no-join-path": (spec("source: tickets\nmeasures: [count(lonely) as n]\n", workspace=LONELY), Token("lonely")),
    "ambiguous-join-path": (spec("source: tickets\nmeasures: [count(messages) as n]\n"), Token("messages")),
    "recursive-definition": (spec("source: tickets\nmeasures: [loop]\n",
                                  workspace="measures:\n  loop: {entity: tickets, expr: loop + 1}\n"),
                             Token("loop")),
    "bad-catalog": (spec("source: tickets\nmeasures: [broken]\n",
                         workspace="measures:\n  broken: {entity: tickets, expr: 'count( +'}\n"), Token("broken")),
    "hidden-field": (spec("source: contacts\nmeasures: [count_distinct(email) as n]\n", "--as", "bob@example.com",
                          command="sql", workspace=USERS + "access:\n  member:\n    contacts: {hide: [email]}\n"),
                     Token("email")),
    "duplicate-column": (spec("source: tickets\ndimensions: [priority]\nmeasures: [count() as priority]\n"),
                         Token("count() as priority")),
    "unknown-granularity": (spec(COUNT + "dimensions: [{field: created_at, granularity: fortnight}]\n"),
                            Token("fortnight")),
    "bad-date-range": (spec(COUNT + "date_range: {from: 2025-03-01, to: 2025-01-01}\n"), Token("2025-03-01")),
    "no-time-field": (spec("source: lonely\nmeasures: [count() as n]\ndate_range: {preset: last_30_days}\n", workspace=LONELY),
                      Token("{preset")),
    "compare-needs-range": (spec(COUNT + "compare: previous_period\n"), Token("previous_period")),
    "too-many-buckets": (spec("source: tickets\ndimensions: [{field: created_at, granularity: hour}]\n"
                              "measures: [count() as n]\ndate_range: {from: 1900-01-01, to: 2025-01-01}\n"),
                         Token("hour")),
    "unknown-chart-type": (spec(BY_PRIORITY + "chart: {type: pie3d}\n"), Token("pie3d")),
    "chart-unknown-column": (spec(BY_PRIORITY + "chart: {type: bar, x: nope}\n"), Token("nope")),
    "bad-dashboard-filter": (spec(COUNT + "dashboard_filters: {owner: created_at}\n"), Token("created_at")),
    # -- workspace ----------------------------------------------------------------------------
    "bad-workspace": (spec(COUNT, workspace="- week_start\n"), At("rb.yaml")),
    "bad-now": (spec(COUNT, "--now", "yesterday", command="sql"), At("--now")),
    "bad-user": (spec(COUNT, workspace="users:\n  not-an-email: {role: member}\n"), Token("not-an-email", "rb.yaml")),
    "duplicate-user": (spec(COUNT, workspace="users:\n  bob@example.com: {role: a}\n  BOB@example.com: {role: a}\n"),
                       Token("BOB@", "rb.yaml")),
    "role-without-users": (spec(COUNT, workspace=USERS + "access:\n  nobody:\n    tickets: id > 0\n"),
                           Token("nobody", "rb.yaml")),
    "unknown-entity": (spec(COUNT, workspace=USERS + "access:\n  member:\n    tikets: id > 0\n"),
                       Token("tikets", "rb.yaml")),
    "bad-access": (spec(COUNT, workspace=USERS + "access:\n  member:\n    tickets: [1]\n"),
                   Token("[1]", "rb.yaml")),
    "derived-entity": (spec(COUNT, workspace=USERS + "access:\n  member:\n    response_turns: id > 0\n"),
                       Token("id > 0", "rb.yaml")),
    "unknown-attribute": (spec(COUNT, "--as", "bob@example.com", command="sql",
                               workspace=USERS + "access:\n  member:\n    tickets: priority = user.shoe_size\n"),
                          Token("user.shoe_size", "rb.yaml")),
    "bad-user-attribute": (spec(COUNT, "--as", "bob@example.com", command="sql",
                                workspace=USERS + "access:\n  member:\n    tickets: priority = user.team.name\n"),
                           Token("user.team.name", "rb.yaml")),
    "filter-not-boolean": (spec(COUNT, "--as", "bob@example.com", command="sql",
                                workspace=USERS + "access:\n  member:\n    tickets: priority\n"),
                           Token("priority", "rb.yaml")),
    "to-many-access-path": (spec(COUNT, "--as", "bob@example.com", command="sql",
                                 workspace=USERS + "access:\n  member:\n    tickets: conversations.channel = 'x'\n"),
                            Token("conversations", "rb.yaml")),
    "no-users": (spec(COUNT, "--as", "bob@example.com", command="sql"), At("--as")),
    "unknown-user": (spec(COUNT, "--as", "eve@example.com", command="sql", workspace=USERS), At("--as")),
    # -- dashboards ---------------------------------------------------------------------------
    "dashboard-not-found": (({}, ["dashboard", "nosuch", "-o", "d.html"]), At("nosuch")),
    "bad-dashboard": (({"d.yaml": "title: D\nreports: [s.yaml]\nfilters: 3\n", "s.yaml": COUNT},
                       ["dashboard", "d.yaml", "-o", "d.html"]), Token("3", "d.yaml", "filters")),
    # -- rb rows ------------------------------------------------------------------------------
    "bad-cell": (spec(BY_PRIORITY, "--cell", "priority", command="rows"), None),
    "unknown-cell-dimension": (spec(BY_PRIORITY, "--cell", "priorty=high", command="rows"), None),
    "missing-cell-dimension": (spec("source: tickets\ndimensions: [priority, status]\nmeasures: [count() as n]\n",
                                    "--cell", "priority=high", command="rows"), None),
    "bad-cell-value": (spec("source: tickets\ndimensions: [{field: created_at, granularity: day}]\n"
                            "measures: [count() as n]\n", "--cell", "created_at=soon", command="rows"), None),
    "no-such-cell": (spec(BY_PRIORITY, "--cell", "priority=nonesuch", command="rows"), None),
    "unknown-measure": (spec(COUNT, "--measure", "m", command="rows"), None),
    "not-a-ratio": (spec(COUNT, "--part", "numerator", command="rows"), None),
    "mixed-grains": (spec("source: tickets\nmeasures: [count() + count(conversations) as n]\n", command="rows"), None),
}
# no command line reaches these (the builder's empty post, click checks --part and --limit, the
# parser limits nesting before the checker could recurse too deep): produced below by calls
LIBRARY_ONLY = {"empty-spec", "bad-part", "bad-limit", "expr-too-deep"}


def test_every_code_has_a_case():
    assert sorted(set(CODES) - set(CASES) - LIBRARY_ONLY) == []
    assert sorted(set(CASES) - set(CODES)) == []


def _invoke(folder: Path, argv: list[str], debug: bool):
    if argv and argv[0] == "rows":
        argv = [*argv, "--data", str(write_tables(folder, tickets=[{"id": 1, "priority": "high"}])), "--now", NOW]
    return CliRunner().invoke(main, [*argv, *(["--debug"] if debug else [])], catch_exceptions=True)


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_code_is_produced_at_its_position(code, tmp_path, monkeypatch):
    (files, argv), where = CASES[code]
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    result = _invoke(tmp_path, argv, debug=True)
    assert isinstance(result.exception, SpecError), (result.output, result.exception)
    diagnostic = result.exception.diagnostics[0]
    assert diagnostic.code == code, result.exception.diagnostics
    printed = _invoke(tmp_path, argv, debug=False)
    assert printed.exit_code == 2 and "Traceback" not in printed.output
    if where is None:
        assert diagnostic.span is None
        assert printed.output.startswith("error: "), printed.output
    else:
        file, line, column = where.position(tmp_path)
        shown = Path(diagnostic.span.file)
        if shown.is_absolute():  # the workspace is named by its full path
            assert shown.parent.resolve() == tmp_path.resolve(), shown
        assert (shown.name if shown.is_absolute() else str(shown), diagnostic.span.line,
                diagnostic.span.column) == (file, line, column)
        assert printed.output.startswith(f"{diagnostic.span.file}:{line}:{column}: error: "), printed.output


def test_empty_spec_in_the_builder():
    from reportbuilder.serve.builder_api import LABEL, BuilderApi

    with pytest.raises(SpecError) as info:
        BuilderApi._plan(None, "  \n", None, None, {})
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.code, diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (
        "empty-spec", LABEL, 1, 1)


@pytest.mark.parametrize(("request_", "limit", "offset", "code"), [
    (("half",), None, 0, "bad-part"), ((None,), -1, 0, "bad-limit"), ((None,), None, -3, "bad-limit")])
def test_drill_request_codes(request_, limit, offset, code):
    from reportbuilder.catalog.load_catalog import load_catalog
    from reportbuilder.compile import checked_plan
    from reportbuilder.drill import DrillRequest, plan_rows
    from reportbuilder.load.load_spec import load_spec_text

    catalog = load_catalog()
    report_plan = checked_plan(load_spec_text(COUNT, "s.yaml"), catalog)
    with pytest.raises(SpecError) as info:
        plan_rows(report_plan, catalog, DrillRequest({}, None, *request_), limit, offset)
    assert [(d.code, d.span) for d in info.value.diagnostics] == [(code, None)]


def test_expr_too_deep_points_at_the_expression(tmp_path, monkeypatch):
    from reportbuilder.check.resolve_expr import Resolver

    def too_deep(*args, **kwargs):
        raise RecursionError
    monkeypatch.setattr(Resolver, "resolve", too_deep)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text("source: tickets\nmeasures:\n  - count() as n\n", encoding="utf-8")
    result = _invoke(tmp_path, ["validate", "s.yaml"], debug=True)
    diagnostic = result.exception.diagnostics[0]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("expr-too-deep", 3, 5)
