"""The `rb` command. Thin: parse options, call the library, print.

Start-up time is part of every answer: this module imports only click and the light
modules every command uses; each command imports what it needs when it runs
(tests/cli/test_startup_imports.py keeps it so).
"""
from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .engines import DEFAULT_ENGINE, DIALECTS, ENGINES
from .errors import DataError, ReportError, SpecError
from .render.formats import CHART_FORMATS, FORMATS, format_from_path


class _Failure(click.ClickException):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None):
        click.echo(self.message, err=True)


def _fail(exc: ReportError, sources: dict) -> _Failure:
    if isinstance(exc, SpecError):
        from .render.diagnostics import format_diagnostics

        return _Failure(format_diagnostics(exc.diagnostics, sources), 2)
    return _Failure(f"error: {exc}", exc.exit_code)


def _guard(debug: bool, action):
    """Run `action`, turning our errors into messages and exit codes (tracebacks only with --debug)."""
    sources: dict = {}
    try:
        return action(sources)
    except ReportError as exc:
        if debug:
            raise
        raise _fail(exc, sources) from None
    except (click.ClickException, click.exceptions.Exit):
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        if debug:
            raise
        raise _Failure(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", 1) from None


def _load(spec: str, sources: dict):
    from .running import load_spec

    return load_spec(spec, sources)


def _options(now, timezone, range_, from_, to, filters, demo_now, workspace, viewer=None):
    from .running import report_options

    return report_options(now, timezone, range_, from_, to, filters, demo_now, workspace, viewer)


def _viewer(as_user, workspace, now_utc):
    from .running import viewer_of

    return viewer_of(as_user, workspace, now_utc)


def report_options(f):
    for decorator in reversed([
        click.option("--data", "data", metavar="PATH", help="Folder of <table>.csv|parquet|json files or a .duckdb file."),
        click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), help="Workspace file (default: the rb.yaml next to the spec or in a folder above it, else ./rb.yaml)."),
        click.option("--now", metavar="TIMESTAMP", help="Fix 'now' (ISO; without offset it is UTC)."),
        click.option("--timezone", metavar="TZ", help="Report time zone (IANA name) for specs that set none."),
        click.option("--range", "range_", metavar="PRESET", help="Date range preset, e.g. last_30_days."),
        click.option("--from", "from_", metavar="DATE", help="Start of the date range (inclusive)."),
        click.option("--to", metavar="DATE", help="End of the date range (exclusive)."),
        click.option("--filter", "filters", multiple=True, metavar="EXPR", help="Extra filter (repeatable)."),
        click.option("--as", "as_user", metavar="EMAIL", envvar="RB_USER",
                     help="Run as this user of the workspace: only the rows and fields their role may see "
                          "(default: RB_USER)."),
        click.option("--debug", is_flag=True, help="Show tracebacks."),
    ]):
        f = decorator(f)
    return f


def engine_options(f):
    """`--engine` (a name of reportbuilder.engines) and `--spark-master`, shared by `rb run`,
    `rb insights`, `rb rows` and `rb dashboard`."""
    for decorator in reversed([
        click.option("--engine", type=click.Choice(tuple(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
                     help="Where the report runs (spark: pyspark and Java needed, see docs/spark.md)."),
        click.option("--spark-master", metavar="URL", help="Spark master for --engine spark (default: workspace "
                     "spark_master, else local[*])."),
    ]):
        f = decorator(f)
    return f


_no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Recompute instead of reusing the result of an identical run on unchanged "
    "data (cache folder: RB_RESULT_CACHE_DIR, see docs/caching.md). The compiled SQL of an identical command is "
    "still reused; RB_NO_COMPILE_CACHE=1 compiles again.")


def _result_cache(no_cache: bool):
    if no_cache:
        return None
    from .run.result_cache import ResultCache

    return ResultCache()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="rb")
def main():
    """reportbuilder: help-desk reports from short YAML specs."""


def output_options(formats: tuple[str, ...], help_: str):
    """--format (one of `formats`) and -o FILE, as `rb run` and `rb rows` take them."""
    def decorate(f):
        f = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")(f)
        return click.option("--format", "fmt", type=click.Choice(formats), help=help_)(f)
    return decorate


@main.command()
@click.argument("spec")
@report_options
@output_options(FORMATS + CHART_FORMATS, "Output format (default: from -o, else table); png/svg: the chart, "
                "html: chart page with the table.")
@click.option("--insights", "with_insights", is_flag=True,
              help="html: the findings of `rb insights` in a card above the chart (runs its extra queries).")
@engine_options
@_no_cache_option
def run(spec, data, workspace, now, timezone, range_, from_, to, filters, as_user, debug, fmt, output,
        with_insights, engine, spark_master, no_cache):
    """Compile and run SPEC (a YAML file or a built-in report name)."""
    chosen = fmt or (_format_of(output) if output else "table")
    if with_insights and chosen != "html":
        raise click.UsageError(f"--insights draws a findings card on the HTML chart page, not in {chosen}; "
                               "use --format html (or -o FILE.html), or `rb insights` for text or JSON")

    def action(sources):
        from . import running, warm_cache

        charted = chosen in CHART_FORMATS + ("html",)
        key = None
        if engine == "duckdb" and not charted:
            key = warm_cache.command_key("run", spec, workspace, _option_values(
                data, now, timezone, range_, from_, to, filters, as_user))
            warm = running.warm_result(key, _result_cache(no_cache))
            if warm is not None:  # compiled before with the same inputs: nothing to load, check or plan
                return _emit(_render_table(warm[0], chosen, output, warm[1]), output)
        clock = None
        if key is not None:  # an unpinned now, watched: kept only if the compile never looked at it
            from .watched_now import WatchedNow

            clock = WatchedNow.wall()
        ws, report_plan, data_path, restriction = _planned(spec, sources, data, workspace, now, timezone, range_,
                                                           from_, to, filters, as_user, clock)
        cache = _result_cache(no_cache)

        def run_plan(p, warm_key=None):
            return running.execute(p, ws, data_path, engine, spark_master, restriction, cache, warm_key=warm_key,
                                   clock=clock)

        result = run_plan(report_plan, key)
        if charted:
            found = _find_insights(report_plan, ws, run_plan) if with_insights else ()
            rendered = _chart(result, chosen, report_plan, found)
        else:
            rendered = _render_table(result, chosen, output, tuple(d.name for d in report_plan.report.dimensions))
        _emit(rendered, output)

    _guard(debug, action)


def _chart(result, fmt: str, report_plan, findings=()):
    """The chart of `rb run` as `fmt` (png, svg, or the html page with `findings` above the chart)."""
    from .render.chart_output import render_chart  # altair is slow to import: only for charts
    from .render.chart_spec import ChartShape

    return render_chart(result, fmt, ChartShape.of_report(report_plan.report), findings)


def _find_insights(report_plan, ws, run_plan):
    """`rb insights`' findings on the planned report, each query run by `run_plan`."""
    from .insights import find_insights  # scipy: only when findings are asked for

    return find_insights(report_plan.report, ws.catalog, run_plan)


def _option_values(data, now, timezone, range_, from_, to, filters, as_user) -> dict:
    """The report options as the warm path's key takes them (warm_cache.py)."""
    return {"data": data, "now": now, "timezone": timezone, "range": range_, "from": from_, "to": to,
            "filters": list(filters), "as": as_user}


def _render_table(result, chosen: str, output: Path | None, groups: tuple[str, ...]):
    from .render.render_data import render

    return render(result, chosen, color=sys.stdout.isatty() and not output, width=_terminal_width(output),
                  groups=groups)


def _planned(spec, sources, data, workspace, now, timezone, range_, from_, to, filters, as_user, clock=None):
    """What `rb run`, `rb insights` and `rb rows` share: the workspace, SPEC checked and planned
    (as the viewer of `--as` sees it), the data path and the viewer's restriction."""
    from .running import plan_report
    from .workspace import open_workspace

    ws = open_workspace(workspace, spec)
    return (ws, *plan_report(ws, _load(spec, sources), data, now, timezone, range_, from_, to, filters, as_user,
                             clock))


_INSIGHT_FORMATS = {".json": "json", ".html": "html", ".htm": "html"}


@main.command()
@click.argument("spec")
@report_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]),
              help="text: one ranked line per finding; json: a list of findings (kind, measure, numbers, "
              "sentence); html: the chart page of `rb run` with the findings card above the chart. "
              "Default: from -o (.json, .html), else text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@engine_options
@_no_cache_option
def insights(spec, data, workspace, now, timezone, range_, from_, to, filters, as_user, debug, fmt, output, engine,
             spark_master, no_cache):
    """Summarise what SPEC's numbers show: trends, changes and what drives them, unusual
    buckets; each with its numbers, and nothing the data cannot support (docs/insights.md)."""
    chosen = fmt or (_INSIGHT_FORMATS.get(output.suffix.lower(), "text") if output else "text")

    def action(sources):
        from .insights import render_json, render_text
        from .running import execute

        ws, report_plan, data_path, restriction = _planned(spec, sources, data, workspace, now, timezone, range_,
                                                           from_, to, filters, as_user)

        cache = _result_cache(no_cache)

        def run_plan(p):
            return execute(p, ws, data_path, engine, spark_master, restriction, cache)

        found = _find_insights(report_plan, ws, run_plan)
        if chosen == "html":
            rendered = _chart(run_plan(report_plan), "html", report_plan, found)
        else:
            rendered = render_json(found) if chosen == "json" else render_text(report_plan.report, found)
        _emit(rendered, output)

    _guard(debug, action)


@main.command()
@click.argument("spec")
@click.option("--cell", "cells", multiple=True, metavar="NAME=VALUE",
              help="The cell: one value per dimension, as `rb run --format json` shows it (empty for null).")
@click.option("--measure", metavar="NAME", help="The measure whose rows to list (default: the first).")
@click.option("--part", type=click.Choice(["numerator", "denominator"]),
              help="For a ratio measure: only the rows of its numerator or denominator (default: both, "
              "told apart by the in_numerator and in_denominator columns).")
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N rows.")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N", help="Skip the first N rows.")
@report_options
@output_options(FORMATS, "Output format (default: from -o, else table).")
@engine_options
def rows(spec, cells, measure, part, limit, offset, fmt, output, data, workspace, now, timezone, range_, from_,
         to, filters, as_user, debug, engine, spark_master):
    """List the rows behind one cell of SPEC: the distinct rows of the measure's entity that the
    report's filters, date range and the cell's dimension values keep (see docs/rows.md)."""
    from .drill import DrillRequest, drill_rows
    from .drill.cell import split_cells

    chosen = fmt or (_format_of(output) if output else "table")
    if chosen not in FORMATS:
        raise click.UsageError(f"rb rows writes data formats ({', '.join(FORMATS)}), not {chosen}")

    def action(sources):
        from .running import engine_for

        ws, report_plan, data_path, restriction = _planned(spec, sources, data, workspace, now, timezone, range_,
                                                           from_, to, filters, as_user)
        request = DrillRequest(split_cells(cells), measure, part)
        page = drill_rows(report_plan, ws.catalog, data_path, request, limit, offset, restriction=restriction,
                          engine=engine_for(ws, engine, spark_master))
        _emit(_render_table(page.rows, chosen, output, ()), output)

    _guard(debug, action)


def _terminal_width(output: Path | None) -> int | None:
    """The width a table printed to the terminal must fit: $COLUMNS when set, else the terminal's;
    None (as wide as the content) when written to a file or a pipe without $COLUMNS."""
    if output is not None:
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _format_of(output: Path) -> str:
    try:
        return format_from_path(output)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _emit(rendered, output: Path | None) -> None:
    if output is not None:
        try:
            if isinstance(rendered, bytes):
                output.write_bytes(rendered)
            else:
                output.write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot write {output}: {exc.strerror}") from None
        return
    if isinstance(rendered, bytes):
        sys.stdout.buffer.write(rendered)
        sys.stdout.buffer.flush()
    else:
        click.echo(rendered, nl=False)


@main.command()
@click.argument("specs", nargs=-1, required=True)
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), help="Workspace file.")
@click.option("--debug", is_flag=True)
def validate(specs, workspace, debug):
    """Check SPECS (reports or dashboards) without running them; exit 0 when all are valid, 2 otherwise.
    A dashboard is checked with every panel's report and the dashboard's filters."""
    failed = 0
    for spec in specs:
        def action(sources, spec=spec):
            from . import warm_cache
            from .locate import is_dashboard

            if is_dashboard(spec):
                from .dashboard.check_dashboard import check_dashboard  # runs no report: duckdb unused
                from .workspace import open_workspace

                ws = open_workspace(workspace, spec)

                board = check_dashboard(spec, ws.catalog, lambda ref: _load(ref, sources), sources)
                click.echo(f"{spec}: ok (dashboard, {len(board.reports)} reports)")
                return
            key = warm_cache.command_key("validate", spec, workspace, {})
            if warm_cache.read(key) is None:  # not found valid before with these very inputs
                from .compile import checked_plan
                from .workspace import open_workspace

                ws = open_workspace(workspace, spec)
                checked_plan(_load(spec, sources), ws.catalog)
                warm_cache.write(key, {"valid": True})
            click.echo(f"{spec}: ok")

        try:
            _guard(debug, action)
        except _Failure as failure:
            failure.show()
            failed = max(failed, failure.exit_code)
    if failed:
        raise click.exceptions.Exit(failed)


@main.command()
@click.argument("spec")
@report_options
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True)
def sql(spec, data, workspace, now, timezone, range_, from_, to, filters, as_user, debug, dialect):
    """Print the SQL of SPEC; with --as, first the views of the rows that user may see."""
    def action(sources):
        from . import warm_cache

        key = warm_cache.command_key("sql", spec, workspace, {
            **_option_values(data, now, timezone, range_, from_, to, filters, as_user), "dialect": dialect})
        entry = warm_cache.read(key)
        if entry is None:
            lines, pinned = _sql_lines(spec, sources, data, workspace, now, timezone, range_, from_, to, filters,
                                       as_user, dialect)
            entry = {"lines": lines}
            if pinned:  # the wall clock's now: nothing to keep
                warm_cache.write(key, entry)
        for line in entry["lines"]:
            click.echo(line)

    _guard(debug, action)


def _sql_lines(spec, sources, data, workspace, now, timezone, range_, from_, to, filters, as_user, dialect):
    """What `rb sql` prints, line by line, and whether the report's now was pinned."""
    from .compile import compile_raw
    from .running import restriction_of
    from .workspace import demo_now, open_workspace, resolve_now

    ws = open_workspace(workspace, spec)
    raw = _load(spec, sources)
    pinned = demo_now(data, ws)  # the demo data's now, as `rb run` uses it
    resolved = resolve_now(now, ws, pinned)
    viewer = _viewer(as_user, ws, resolved)
    options = _options(now, timezone, range_, from_, to, filters, pinned, ws, viewer)
    query = compile_raw(raw, ws.catalog, options)
    restriction = restriction_of(viewer)
    lines = []
    if restriction:
        lines.append(f"-- as {viewer.user.email} (role {viewer.user.role}): each table below is the view of "
                     "the rows this user may see;\n-- __all_<table> is the table's file, unrestricted.")
        lines.append(restriction.shown(query.tables, dialect))
    lines.append(query.sql(dialect))
    return lines, resolved is not None


@main.command()
@click.argument("spec")
@report_options
def explain(spec, data, workspace, now, timezone, range_, from_, to, filters, as_user, debug):
    """Show the join tree, the grain of every aggregate and where each filter applies;
    with --data (or RB_DATA), also the join coverage found on the data."""
    def action(sources):
        from .compile import checked_plan
        from .explain import explain_coverage, explain_plan
        from .run.coverage import join_coverage
        from .running import restriction_of
        from .workspace import demo_now, open_workspace, resolve_data, resolve_now

        ws = open_workspace(workspace, spec)
        raw = _load(spec, sources)
        pinned = demo_now(data, ws)  # the demo data's now, as `rb run` uses it
        viewer = _viewer(as_user, ws, resolve_now(now, ws, pinned))
        options = _options(now, timezone, range_, from_, to, filters, pinned, ws, viewer)
        report_plan = checked_plan(raw, ws.catalog, options)
        text = explain_plan(report_plan)
        if data or os.environ.get("RB_DATA") or ws.settings.get("data"):
            data_path, _ = resolve_data(data, ws)
            coverage = join_coverage(report_plan, ws.catalog, data_path, restriction_of(viewer))
            text += "\n" + explain_coverage(report_plan, coverage)
        click.echo(text)

    _guard(debug, action)


@main.command(name="list")
def list_():
    """List the built-in reports and dashboards."""
    import yaml

    from .workspace import builtin_names, builtin_path

    click.echo("Reports:")
    for name in builtin_names():
        doc = yaml.safe_load(builtin_path(name).read_text(encoding="utf-8")) or {}
        click.echo(f"  {name:<34} {doc.get('title', '')}")
    dashboards = builtin_names("dashboards")
    if dashboards:
        click.echo("Dashboards:")
        for name in dashboards:
            doc = yaml.safe_load(builtin_path(name, "dashboards").read_text(encoding="utf-8")) or {}
            click.echo(f"  {name:<34} {doc.get('title', '')}")


@main.command()
@click.argument("entity", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table",
              show_default=True, help="table: a rich table; json: a list of objects.")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), help="Workspace file (default ./rb.yaml).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def fields(entity, fmt, workspace, debug):
    """List every entity's columns, derived fields, relationships and named measures, with type
    and description (only ENTITY's when given): the names a spec can use."""
    def action(sources):
        from .catalog.describe import HEADER, field_rows
        from .render.render_data import render
        from .run.result import Result, ResultColumn
        from .workspace import open_workspace

        try:
            rows = field_rows(open_workspace(workspace).catalog, entity)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        result = Result(tuple(ResultColumn(name, "text") for name in HEADER), tuple(rows),
                        title=f"Fields of {entity}" if entity else "Fields")
        tty = sys.stdout.isatty()
        _emit(render(result, fmt, color=tty, width=shutil.get_terminal_size().columns if tty else None), None)

    _guard(debug, action)


class _ImportFormats(click.Choice):
    """The import formats, looked up when the import command reads its arguments (importers are slow to load)."""

    def __init__(self):
        super().__init__(())

    @property
    def choices(self):
        from .importers import IMPORTERS

        return tuple(sorted(IMPORTERS))

    @choices.setter
    def choices(self, value):
        pass


class _ImportCommand(click.Command):
    """`rb import --help` ends with the formats, each with what it reads (loaded for the help only)."""

    def format_epilog(self, ctx, formatter):
        from .importers import IMPORTERS

        with formatter.section("Formats"):
            formatter.write_dl([(name, f"{IMPORTERS[name].description}; writes {', '.join(IMPORTERS[name].tables)}")
                                for name in sorted(IMPORTERS)])
        super().format_epilog(ctx, formatter)


@main.command(name="import", cls=_ImportCommand)
@click.argument("fmt", metavar="FORMAT", type=_ImportFormats())
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write <table>.parquet into (created when missing).")
@click.option("--source-timezone", metavar="TZ", help="IANA zone of the source's zone-less times, turned into "
              "UTC (default: the format's: callcenter Asia/Jerusalem, servicenow UTC; twitter times carry "
              "their offset).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def import_(fmt, source, output, source_timezone, debug):
    """Import SOURCE, an export in FORMAT, into Parquet files of the data model; the summary says
    what was mapped and dropped, which built-in reports the data can feed, and its time span."""
    from .importers import run_import, summary_lines

    def action(sources):
        if not sys.stderr.isatty():
            return run_import(fmt, source, output, source_timezone=source_timezone)
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("importing", total=None)
            return run_import(fmt, source, output, lambda text, done, total: bar.update(
                task, description=text, completed=done, total=total), source_timezone=source_timezone)

    click.echo("\n".join(summary_lines(_guard(debug, action))))



@main.command()
@click.argument("dash")
@report_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Write to FILE (.html, or .png).")
@click.option("--format", "fmt", type=click.Choice(["html", "png"]), help="Default: from -o's extension.")
@click.option("--insights/--no-insights", default=True, show_default=True,
              help="HTML: a findings card (as `rb insights` gives them) above each chart with time buckets.")
@engine_options
@_no_cache_option
def dashboard(dash, data, workspace, now, timezone, range_, from_, to, filters, as_user, debug, output, fmt,
              insights, engine, spark_master, no_cache):
    """Render dashboard DASH (a YAML file or a built-in name) to one self-contained file."""
    from . import dashboard_cache as reopen

    chosen = fmt or ("png" if output.suffix.lower() == ".png" else "html")
    key = None if no_cache else reopen.reopen_key(dash, workspace, {
        "data": data, "now": now, "timezone": timezone, "range": range_, "from": from_, "to": to,
        "filters": list(filters), "as": as_user, "format": chosen, "insights": insights, "engine": engine,
        "spark_master": spark_master})
    kept = reopen.reopened(key)
    if kept is not None:  # unchanged since it was written: nothing to load, run or draw
        _guard(debug, lambda sources: _emit(kept.page, output))
        for warning in kept.warnings:
            click.echo(f"warning: {warning}", err=True)
        return

    from dataclasses import replace

    from .dashboard import dashboard_html, dashboard_png, load_dashboard, run_dashboard
    from .dashboard.dashboard_page import CardsAhead
    from .running import engine_for
    from .workspace import find_spec, open_workspace, resolve_data, resolve_now

    def action(sources):
        ws = open_workspace(workspace, dash)
        board = load_dashboard(dash, sources)
        if range_ or from_ or to:
            board = replace(board, preset=range_, start=from_, end=to)
        data_path, demo_now = resolve_data(data, ws)
        now_utc = resolve_now(now, ws, demo_now)
        viewer = _viewer(as_user, ws, now_utc)
        with _progress(len(board.reports) * (2 if chosen == "html" else 1)) as step, CardsAhead() as ahead:
            run = run_dashboard(board, ws, data_path, now_utc, timezone, step, viewer,
                                _result_cache(no_cache), insights and chosen == "html",
                                engine_for(ws, engine, spark_master),
                                on_panel=ahead.add if chosen == "html" else None)
            rendered = dashboard_html(run, step, ahead=ahead) if chosen == "html" else dashboard_png(run)
        _emit(rendered, output)
        for warning in run.warnings:
            click.echo(f"warning: {warning}", err=True)
        if not run.failed and reopen.now_pinned(now, data, ws.settings):
            reopen.remember(key, rendered, run.warnings, [find_spec(ref) for ref in board.reports], data_path)
        if run.failed:  # the page is written, each failed panel shown as such; the run failed
            lines = [f"error: {dash}: panel {p.ref}: {p.error}" for p in run.failed]
            raise _Failure("\n".join(lines), 1)

    _guard(debug, action)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), help="Workspace file (default ./rb.yaml).")
@click.option("--data", "data", metavar="PATH", help="Folder of <table>.csv|parquet|json files or a .duckdb file.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True, metavar="SECONDS",
              help="Longest a request's query may run (then 504).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def serve(host, port, workspace, data, time_limit, debug):
    """Serve the built-in and workspace reports and dashboards in a browser, with a JSON API
    (`/api/run/NAME`, `/api/rows/NAME`) that answers as `rb run` and `rb rows` do (docs/serve.md)."""
    def action(sources):
        import uvicorn  # starlette and uvicorn: only for this command

        from .serve import create_app

        app = create_app(workspace, data, time_limit)
        uvicorn.run(app, host=host, port=port, log_level="info")

    _guard(debug, action)


@main.group()
def daemon():
    """The resident process that serves rb commands from warm memory: the first command starts
    it in the background; RB_DAEMON=0 turns it off (docs/resident.md)."""


def _describe(running) -> str:
    from datetime import datetime

    since = datetime.fromtimestamp(running.since).isoformat(timespec="seconds")
    return (f"running: pid {running.pid}, since {since}, {running.served} commands served, "
            f"{running.busy} running now; socket {running.socket}"
            + ("" if running.fresh else "\n(rb or a library changed since it started: the next command replaces it)"))


def _off_note() -> str | None:
    from .resident import place

    if place.enabled():
        return None
    return ("off: commands run in their own processes (RB_DAEMON is 0/off/no/false, or this system "
            "cannot pass open files to another process)")


@daemon.command(name="status")
def daemon_status():
    """Whether the resident process runs, since when, and how many commands it served."""
    from .resident import control

    running = control.state()
    note = _off_note()
    click.echo((f"{note}\n" if note else "") + (_describe(running) if running else "not running"))


@daemon.command(name="start")
def daemon_start():
    """Start the resident process now (else the next command does), and wait until it listens."""
    from .resident import control

    note = _off_note()
    if note:
        raise _Failure(f"error: {note}", 1)
    running = control.start()
    if running is None:
        raise _Failure("error: the resident process did not start; its log is the .log file next to its "
                       "socket (rb daemon status names it)", 1)
    click.echo(_describe(running))


@daemon.command(name="stop")
def daemon_stop():
    """Stop the resident process (the next command starts a new one unless RB_DAEMON=0)."""
    from .resident import control

    stopped = control.stop()
    click.echo(f"stopped pid {stopped.pid}" if stopped else "not running")


@contextmanager
def _progress(total: int):
    """A rich progress bar on a terminal (stderr); nothing when piped."""
    if not sys.stderr.isatty():
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Rendering dashboard", total=total)
        yield lambda label: bar.update(task, advance=1, description=f"Rendering {Path(label).stem}")


if __name__ == "__main__":
    main()
