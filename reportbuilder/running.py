"""Plan and run one report as `rb run` does: shared by the CLI (`rb run`, `rb insights`,
`rb rows`) and the web app (`rb serve`), so both answer with the same numbers.

"""
from __future__ import annotations

from datetime import datetime, timezone as tz
from pathlib import Path

from .errors import DataError, MissingTableError


def load_spec(spec: str, sources: dict, path: Path | None = None, label: str | None = None):
    """Load a spec (a file or built-in name, or the file `path` shown as `label`), remembering
    its text in `sources` so that errors can quote the offending line."""
    from .load.load_spec import decode_spec, load_spec_text, read_limited
    from .workspace import find_spec

    if path is None:
        path = find_spec(spec)
        label = spec if Path(spec).is_file() else str(path)
    label = label or str(path)
    try:
        data = read_limited(path)
    except OSError as exc:
        raise DataError(f"cannot read {label}: {exc.strerror}") from None
    text = decode_spec(data, label)
    sources[label] = text
    return load_spec_text(text, label, path.stem)


def report_options(now, timezone, range_, from_, to, filters, demo_now, workspace, viewer=None, clock=None):
    """The `rb run` options as the checker takes them (a viewer's hidden fields included); `clock`: the
    now to use when none is pinned (a watched_now.WatchedNow; default: the checker reads the wall clock)."""
    from .check.options import ReportOptions
    from .workspace import resolve_now

    return ReportOptions(now_utc=resolve_now(now, workspace, demo_now) or clock, timezone=timezone, preset=range_,
                         start=from_, end=to, filters=tuple(filters),
                         hidden_fields=viewer.hidden if viewer else frozenset())


def viewer_of(as_user, workspace, now_utc):
    """The user of `--as` / RB_USER (None without one): what the report may read."""
    if not as_user:  # as viewer_for says, without importing access/ (its row filters need sqlglot)
        return None
    from .access import viewer_for

    now_utc = now_utc or datetime.now(tz.utc).replace(tzinfo=None)
    return viewer_for(as_user, workspace.access, workspace.catalog, now_utc)


def plan_report(ws, raw, data=None, now=None, timezone=None, range_=None, from_=None, to=None, filters=(),
                as_user=None, clock=None, board=()):
    """A loaded spec checked and planned on workspace `ws` as the viewer `as_user` sees it:
    (plan, data path, the viewer's row restriction or None); `clock`: see `report_options`.
    `board`: dashboard filters ((key, value) pairs, `rb serve`'s owner=...), added to the
    checked report as values as a dashboard adds them, so it is still checked and planned once
    (a filter the report names no path for: dashboard_filters.FilterNotApplicable)."""
    from .check.check_spec import check_spec
    from .plan.plan_report import plan_report as plan
    from .workspace import resolve_data, resolve_now

    data_path, demo_now = resolve_data(data, ws)
    viewer = viewer_of(as_user, ws, resolve_now(now, ws, demo_now) or clock)
    options = report_options(now, timezone, range_, from_, to, filters, demo_now, ws, viewer, clock)
    report = check_spec(raw, ws.catalog, options)
    if board:
        from .dashboard.dashboard_filters import with_dashboard_filters

        report = with_dashboard_filters(report, board, ws.catalog, options.hidden_fields)[0]
    return plan(report, ws.catalog), data_path, restriction_of(viewer)


def restriction_of(viewer):
    """The rows and fields `viewer` may see as `open_data` applies them; None: everything."""
    return viewer.restriction if viewer else None


def engine_for(ws, engine: str = "duckdb", spark_master: str | None = None):
    """The engine `engine` (reportbuilder.engines) with the workspace's settings and `--spark-master`."""
    from .engines import get_engine

    return get_engine(engine, {**ws.settings, "master": spark_master})


def execute(report_plan, ws, data_path: Path, engine: str = "duckdb", spark_master: str | None = None,
            restriction=None, cache=None, on_open=None, warm_key: str | None = None, clock=None):
    """Build and run one plan where `rb run` runs it; `on_open(connection)` is called once the
    data is open (the web app keeps it to interrupt a query that runs too long);
    `warm_key`: keep what a repeated run needs under it (warm_cache.py; DuckDB only), unless the
    plan's unpinned now, the WatchedNow `clock`, was looked at (then the SQL may hold it); the local
    dates it read (`clock.dates_seen`) are kept with it, and it serves only while they hold."""
    from .emit.build_sql import build_sql
    from .engines import run_once

    query = build_sql(report_plan, ws.catalog)
    report = report_plan.report
    opened = []

    def keep(con):
        opened.append(con)
        if on_open is not None:
            on_open(con)

    try:
        result = run_once(engine_for(ws, engine, spark_master), query, data_path, ws.catalog, report.timezone,
                          report.title, restriction, cache, keep)
    except MissingTableError as exc:  # say which report cannot run, in one plain sentence
        raise exc.for_report(report.title or report.name) from None
    seen = clock is not None and clock.seen
    if warm_key is not None and engine == "duckdb" and not seen and getattr(opened[0].data, "setup", None) is not None:
        _remember_run(warm_key, query.sql(), result, report_plan, data_path, opened[0].data.setup,
                      cache.state if cache is not None else None, sorted(clock.dates_seen) if clock else [])
    return result


def _remember_run(key: str, sql: str, result, report_plan, data_path: Path, setup: dict, state: dict | None,
                  dates: list) -> None:
    import duckdb

    from . import warm_cache

    warm_cache.write(key, {
        "sql": sql, "columns": [[c.name, c.type, c.role, c.of] for c in result.columns], "timezone": result.timezone,
        "title": result.title, "groups": [d.name for d in report_plan.report.dimensions], "setup": setup,
        "state": state, "duckdb": duckdb.__version__, "data": str(data_path),
        "data_stamp": warm_cache.path_stamp(data_path), "dates": [list(pair) for pair in dates]})


def warm_result(key: str | None, cache):
    """(Result, dimension names) of a run compiled before under `key` (warm_cache.py), without loading,
    checking or building anything: the answer the result `cache` holds for the data as it is now, else
    the kept SQL run on the data opened again from the kept statements. None when there is no such
    entry or anything differs (the run then goes the whole way)."""
    from . import warm_cache
    from .run.result import Result, ResultColumn

    entry = warm_cache.read(key)
    try:
        if entry is None or warm_cache.path_stamp(Path(entry["data"])) != entry["data_stamp"]:
            return None
        columns = tuple(ResultColumn(name, type_, role, of) for name, type_, role, of in entry["columns"])
        rows = _stored_rows(entry, cache)
        if rows is None:
            rows = _rerun(key, entry, cache)
        if rows is None:
            return None
        return Result(columns, tuple(rows), entry["timezone"], entry["title"]), tuple(entry["groups"])
    except (KeyError, TypeError, ValueError):  # an entry of another shape (kept by an older rb): a miss
        return None


def _stored_rows(entry: dict, cache):
    """The rows the result cache holds for the entry's SQL and views with the files as they are now."""
    if cache is None or entry.get("state") is None:
        return None
    from .run.result_cache import state_key

    result_key = state_key(entry["sql"], entry["state"], entry["duckdb"])
    return cache.cached(result_key) if result_key is not None else None


def _rerun(key: str, entry: dict, cache):
    """The kept SQL run on the data opened from the kept statements (None when they no longer apply);
    with a result `cache`, the rows are stored and the entry keeps the connection's state for next time."""
    import duckdb

    from . import warm_cache
    from .run.data_connection import reopen
    from .run.result import plain_row

    con = reopen(entry["setup"], str(Path(entry["data"]).resolve()))
    if con is None:
        return None
    try:
        def compute():
            return [plain_row(row) for row in con.execute(entry["sql"]).fetchall()]

        rows = cache.rows(con, entry["sql"], compute) if cache is not None else compute()
    except (duckdb.Error, DataError):  # the full run says what is wrong, in its words
        return None
    finally:
        con.close()
    if cache is not None and cache.state is not None and cache.state != entry.get("state"):
        warm_cache.write(key, {**entry, "state": cache.state})
    return rows
