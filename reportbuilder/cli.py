"""The `rb` command. Thin: parse options, call the library, print."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from .build.build_sql import BuildError, build_sql
from .check.options import ReportOptions
from .compile import compile_raw, plan
from .errors import DataError, ReportError, SpecError
from .explain import explain_coverage, explain_plan
from .load.load_spec import decode_spec, load_spec_text, read_limited
from .render.diagnostics import format_diagnostics
from .render.formats import CHART_FORMATS, FORMATS, format_from_path
from .render.render_data import render
from .run.coverage import join_coverage
from .run.execute import run_query
from .workspace import builtin_names, builtin_path, find_spec, open_workspace, resolve_data, resolve_now

DIALECTS = ("duckdb", "spark", "trino", "postgres", "bigquery", "snowflake")


class _Failure(click.ClickException):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None):
        click.echo(self.message, err=True)


def _fail(exc: ReportError, sources: dict) -> _Failure:
    if isinstance(exc, SpecError):
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
    except BuildError as exc:
        raise _Failure(f"error: {exc}", 2) from None
    except (click.ClickException, click.exceptions.Exit):
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        if debug:
            raise
        raise _Failure(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", 1) from None


def _load(spec: str, sources: dict):
    """Load a spec, remembering its text so that errors can quote the offending line."""
    path = find_spec(spec)
    label = spec if Path(spec).is_file() else str(path)
    try:
        data = read_limited(path)
    except OSError as exc:
        raise DataError(f"cannot read {label}: {exc.strerror}") from None
    text = decode_spec(data, label)
    sources[label] = text
    return load_spec_text(text, label, path.stem)


def _options(now, timezone, range_, from_, to, filters, demo_now, workspace) -> ReportOptions:
    return ReportOptions(now_utc=resolve_now(now, workspace, demo_now), timezone=timezone, preset=range_,
                         start=from_, end=to, filters=tuple(filters))


def report_options(f):
    for decorator in reversed([
        click.option("--data", "data", metavar="PATH", help="Folder of <table>.csv|parquet|json files or a .duckdb file."),
        click.option("--workspace", type=click.Path(dir_okay=False, path_type=Path), help="Workspace file (default ./rb.yaml)."),
        click.option("--now", metavar="TIMESTAMP", help="Fix 'now' (ISO; without offset it is UTC)."),
        click.option("--timezone", metavar="TZ", help="Report time zone (IANA name) for specs that set none."),
        click.option("--range", "range_", metavar="PRESET", help="Date range preset, e.g. last_30_days."),
        click.option("--from", "from_", metavar="DATE", help="Start of the date range (inclusive)."),
        click.option("--to", metavar="DATE", help="End of the date range (exclusive)."),
        click.option("--filter", "filters", multiple=True, metavar="EXPR", help="Extra filter (repeatable)."),
        click.option("--debug", is_flag=True, help="Show tracebacks."),
    ]):
        f = decorator(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportbuilder")
def main():
    """reportbuilder: help-desk reports from short YAML specs."""


@main.command()
@click.argument("spec")
@report_options
@click.option("--format", "fmt", type=click.Choice(FORMATS + CHART_FORMATS),
              help="Output format (default: from -o, else table); png/svg: the chart, html: chart page with the table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Where the report runs (spark: pyspark and Java needed, see docs/spark.md).")
@click.option("--spark-master", metavar="URL", help="Spark master for --engine spark (default: workspace "
              "spark_master, else local[*]).")
def run(spec, data, workspace, now, timezone, range_, from_, to, filters, debug, fmt, output, engine,
        spark_master):
    """Compile and run SPEC (a YAML file or a built-in report name)."""
    chosen = fmt or (_format_of(output) if output else "table")

    def action(sources):
        ws = open_workspace(workspace)
        raw = _load(spec, sources)
        data_path, demo_now = resolve_data(data, ws)
        options = _options(now, timezone, range_, from_, to, filters, demo_now, ws)
        report_plan = plan(raw, ws.catalog, options)
        query = build_sql(report_plan, ws.catalog)
        if engine == "spark":
            from .run.spark_engine import resolve_master, run_query_spark

            result = run_query_spark(query, data_path, ws.catalog, report_plan.report.timezone,
                                     report_plan.report.title, resolve_master(spark_master, ws.settings))
        else:
            result = run_query(query, data_path, ws.catalog, report_plan.report.timezone, report_plan.report.title)
        if chosen in CHART_FORMATS + ("html",):
            from .render.chart_output import render_chart  # altair is slow to import: only for charts
            from .render.chart_spec import ChartShape

            rendered = render_chart(result, chosen, ChartShape.of_report(report_plan.report))
        else:
            rendered = render(result, chosen, color=sys.stdout.isatty() and not output)
        _emit(rendered, output)

    _guard(debug, action)


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
    """Check SPECS without running them; exit 0 when all are valid, 2 otherwise."""
    failed = 0
    for spec in specs:
        def action(sources, spec=spec):
            ws = open_workspace(workspace)
            plan(_load(spec, sources), ws.catalog)
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
def sql(spec, data, workspace, now, timezone, range_, from_, to, filters, debug, dialect):
    """Print the SQL of SPEC."""
    def action(sources):
        ws = open_workspace(workspace)
        raw = _load(spec, sources)
        options = _options(now, timezone, range_, from_, to, filters, None, ws)
        click.echo(compile_raw(raw, ws.catalog, options).sql(dialect))

    _guard(debug, action)


@main.command()
@click.argument("spec")
@report_options
def explain(spec, data, workspace, now, timezone, range_, from_, to, filters, debug):
    """Show the join tree, the grain of every aggregate and where each filter applies;
    with --data (or RB_DATA), also the join coverage found on the data."""
    def action(sources):
        ws = open_workspace(workspace)
        raw = _load(spec, sources)
        options = _options(now, timezone, range_, from_, to, filters, None, ws)
        report_plan = plan(raw, ws.catalog, options)
        text = explain_plan(report_plan)
        if data or os.environ.get("RB_DATA") or ws.settings.get("data"):
            data_path, _ = resolve_data(data, ws)
            text += "\n" + explain_coverage(report_plan, join_coverage(report_plan, ws.catalog, data_path))
        click.echo(text)

    _guard(debug, action)


@main.command(name="list")
def list_():
    """List the built-in reports and dashboards."""
    import yaml

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


from .importers import IMPORTERS as _IMPORTERS  # noqa: E402  (the import command's formats)


@main.command(name="import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted(_IMPORTERS)))
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write <table>.parquet into (created when missing).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def import_(fmt, source, output, debug):
    """Import SOURCE, an export in FORMAT, into Parquet files of the data model."""
    from .importers import run_import, summary_lines

    def action(sources):
        if not sys.stderr.isatty():
            return run_import(fmt, source, output)
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("importing", total=None)
            return run_import(fmt, source, output, lambda text, done, total: bar.update(
                task, description=text, completed=done, total=total))

    click.echo("\n".join(summary_lines(_guard(debug, action))))



@main.command()
@click.argument("dash")
@report_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Write to FILE (.html, or .png).")
@click.option("--format", "fmt", type=click.Choice(["html", "png"]), help="Default: from -o's extension.")
def dashboard(dash, data, workspace, now, timezone, range_, from_, to, filters, debug, output, fmt):
    """Render dashboard DASH (a YAML file or a built-in name) to one self-contained file."""
    from .dashboard import dashboard_html, dashboard_png, load_dashboard, run_dashboard

    def action(sources):
        ws = open_workspace(workspace)
        board = load_dashboard(dash)
        if range_ or from_ or to:
            board = replace(board, preset=range_, start=from_, end=to)
        data_path, demo_now = resolve_data(data, ws)
        chosen = fmt or ("png" if output.suffix.lower() == ".png" else "html")
        with _progress(len(board.reports) * (2 if chosen == "html" else 1)) as step:
            run = run_dashboard(board, ws, data_path, resolve_now(now, ws, demo_now), timezone, step)
            rendered = dashboard_html(run, step) if chosen == "html" else dashboard_png(run)
        _emit(rendered, output)
        if run.failed:  # the page is written, each failed panel shown as such; the run failed
            lines = [f"error: {dash}: panel {p.ref}: {p.error}" for p in run.failed]
            raise _Failure("\n".join(lines), 1)

    _guard(debug, action)


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
