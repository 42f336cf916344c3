"""The routes of `rb serve`; each answers as the matching `rb` command would, over the same library.

Errors are answered without a traceback or a file-system path: 400 for bad options (the
positioned message), 401 without a valid token, 404 for an unknown name, 504 past the time
limit, 500 when the data or the database fails.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from ..dashboard.dashboard_filters import FilterNotApplicable
from ..errors import DataError, ReportError, SpecError
from ..running import execute, load_spec, plan_report, restriction_of, viewer_of
from ..workspace import open_workspace, resolve_data, resolve_now
from . import pages
from .auth import Unauthorized, needs_token, user_of, user_of_token
from .choices import ChoicesCache
from .csrf import CsrfGuard
from .guard import Stopped, run_guarded
from .library import entries
from .params import BadQuery, rows_params, run_params
from .sessions import COOKIE, Sessions
from .static_files import static_files
from .view import with_view

TIME_LIMIT_S = 30.0
SIGN_IN_BODY_MAX = 4096
log = logging.getLogger("reportbuilder.serve")


class NotFound(Exception):
    """No report or dashboard of that name: answered 404."""


class _Server:
    def __init__(self, workspace_path: Path | None, data: str | None, time_limit_s: float):
        self.ws = open_workspace(workspace_path)  # errors here stop `rb serve` before it listens
        self.data = data
        self.time_limit_s = time_limit_s
        self.sessions = Sessions()
        self.choice_cache = ChoicesCache()
        self.csrf = CsrfGuard()
        data_path, _ = resolve_data(data, self.ws)
        hidden = [Path(str(data_path)).resolve(), Path(__file__).resolve().parents[1]]
        if self.ws.path is not None:
            hidden.append(self.ws.path.resolve().parent)
        self._hidden = sorted({str(p) for p in hidden} | {str(data_path)}, key=len, reverse=True)

    # -- what each request shares --------------------------------------------------------------
    def entry(self, kind: str, name: str):
        found = entries(self.ws.path).get((kind, name))
        if found is None:
            raise NotFound(f"no {kind} named '{name}'")
        return found

    def redact(self, text: str) -> str:
        """The message without the server's folders (the data, the workspace, the package)."""
        for folder in self._hidden:
            text = text.replace(folder + "/", "").replace(folder, "<data>")
        return text

    async def answer(self, request: Request, work, html: bool = False) -> Response:
        """Authenticate, run `work(user, on_open, sources)` in a guarded thread, turn errors into answers."""
        sources: dict = {}

        def failure(status: int, message: str) -> Response:
            message = self.redact(message)
            if html:
                return HTMLResponse(pages.error_page("Error", message), status)
            return JSONResponse({"error": message}, status)

        try:
            user = user_of(request.headers.get("authorization"), self.ws.access,
                           self.sessions.email(request.cookies.get(COOKIE)))
            return await run_guarded(lambda on_open: work(user, on_open, sources), self.time_limit_s,
                                     request.is_disconnected)
        except Unauthorized:
            if html:
                return HTMLResponse(pages.sign_in_page(), 401)
            return JSONResponse({"error": "unauthorized"}, 401, headers={"WWW-Authenticate": "Bearer"})
        except NotFound as exc:
            return failure(404, str(exc))
        except BadQuery as exc:
            return failure(400, f"error: {exc}")
        except SpecError as exc:
            from ..render.diagnostics import format_diagnostics

            return failure(400, format_diagnostics(exc.diagnostics, sources))
        except Stopped as exc:
            if exc.reason == "gone":
                return Response(status_code=499)
            return failure(504, f"error: the query ran past the time limit of {self.time_limit_s:g} s")
        except DataError as exc:
            return failure(500, f"error: {exc}")
        except ReportError as exc:
            return failure(400 if exc.exit_code == 2 else 500, f"error: {exc}")
        except Exception:  # noqa: BLE001 - logged here, never shown to the client
            log.exception("internal error answering %s", request.url.path)
            return failure(500, "internal error (see the server's log)")

    def planned(self, entry, params, user, sources):
        """The report as `rb run` plans it with the options, the page's view and dashboard filters
        (added as values, as a dashboard adds them: the report is checked and planned once)."""
        raw = with_view(load_spec(entry.name, sources, entry.path, entry.label), params.granularity, params.compare)
        options = (self.ws, raw, self.data, params.now, params.timezone, params.range_, params.from_, params.to)
        try:
            return plan_report(*options, params.filters, user.email if user else None, board=params.board)
        except FilterNotApplicable as exc:  # a 400 that keeps the report page's form
            raise BadQuery(str(exc)) from None

    def run(self, entry, params, user, on_open, sources):
        report_plan, data_path, restriction = self.planned(entry, params, user, sources)
        return report_plan, execute(report_plan, self.ws, data_path, restriction=restriction, on_open=on_open)

    # -- routes --------------------------------------------------------------------------------
    async def sign_in(self, request: Request) -> Response:
        """GET: the form; POST: the token for a session cookie (the same origin only)."""
        if not needs_token(self.ws.access):
            return RedirectResponse("/", 303)
        if request.method == "GET":
            return HTMLResponse(pages.sign_in_page())
        if CsrfGuard.foreign(request):
            return HTMLResponse(pages.error_page("Sign in", "refused: the form was sent from another site"), 403)
        body = await request.body()
        if len(body) > SIGN_IN_BODY_MAX:
            return HTMLResponse(pages.error_page("Sign in", "refused: the form is too large"), 413)
        token = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0].strip()
        try:
            user = user_of_token(token, self.ws.access)
        except Unauthorized:
            return HTMLResponse(pages.sign_in_page(failed=True), 401)
        answer = RedirectResponse("/", 303)
        answer.set_cookie(COOKIE, self.sessions.start(user.email), max_age=int(self.sessions.lifetime_s),
                          httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return answer

    async def sign_out(self, request: Request) -> Response:
        """GET: a form carrying the CSRF token; POST: end the session (same origin and the token only,
        so another site cannot sign the user out)."""
        if request.method == "GET":
            token, fresh = self.csrf.issue(request)
            return self.csrf.set_cookie(HTMLResponse(pages.sign_out_page(token)), request, fresh)
        body = await request.body()
        if len(body) > SIGN_IN_BODY_MAX:
            return HTMLResponse(pages.error_page("Sign out", "refused: the form is too large"), 413)
        sent = parse_qs(body.decode("utf-8", "replace")).get("csrf", [""])[0]
        refusal = self.csrf.refusal(request, sent)
        if refusal:
            return HTMLResponse(pages.error_page("Sign out", f"refused: {refusal}"), 403)
        self.sessions.end(request.cookies.get(COOKIE))
        answer = RedirectResponse("/signin", 303)
        answer.delete_cookie(COOKIE)
        return answer

    async def library(self, request: Request) -> Response:
        def work(user, on_open, sources):
            run_params(request.query_params.multi_items(), ())
            return HTMLResponse(pages.library_page(entries(self.ws.path).values()))
        return await self.answer(request, work, html=True)

    async def api_run(self, request: Request) -> Response:
        from ..render.render_data import render

        name = request.path_params["name"]

        def work(user, on_open, sources):
            params = run_params(request.query_params.multi_items())
            fmt = params.fmt or "json"
            if name.endswith(".csv") and ("report", name) not in entries(self.ws.path):
                entry, fmt = self.entry("report", name[:-4]), "csv"
            else:
                entry = self.entry("report", name)
            _, result = self.run(entry, params, user, on_open, sources)
            media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
            return Response(render(result, fmt), media_type=media)
        return await self.answer(request, work)

    async def api_rows(self, request: Request) -> Response:
        from ..drill import DrillRequest, drill_rows
        from ..render.render_data import render
        from ..render.values import json_rows

        def work(user, on_open, sources):
            params = rows_params(request.query_params.multi_items())
            entry = self.entry("report", request.path_params["name"])
            report_plan, data_path, restriction = self.planned(entry, params.run, user, sources)
            found = drill_rows(report_plan, self.ws.catalog, data_path,
                               DrillRequest(params.cell, params.measure, params.part), params.limit,
                               params.offset, total=True, restriction=restriction, on_open=on_open)
            if params.run.fmt == "csv":
                return Response(render(found.rows, "csv"), media_type="text/csv; charset=utf-8")
            value = found.value if isinstance(found.value, (int, float, str, type(None))) else str(found.value)
            body = {"value": value, "total": found.total, "offset": params.offset, "limit": params.limit,
                    "rows": json_rows(found.rows)}
            return Response(json.dumps(body, ensure_ascii=False, allow_nan=False, default=str),
                            media_type="application/json")
        return await self.answer(request, work)

    async def report_page(self, request: Request) -> Response:
        def work(user, on_open, sources):
            from ..render.chart_output import chart_vegalite
            from ..render.chart_spec import ChartShape
            from ..render.render_data import render
            from .report_page import report_page

            params = run_params(request.query_params.multi_items())
            entry = self.entry("report", request.path_params["name"])
            try:
                report_plan, result = self.run(entry, params, user, on_open, sources)
                report = report_plan.report
                choices = self.choices(report, params, user, on_open)
            except (SpecError, BadQuery) as exc:  # the form stays, so the option can be corrected
                from ..render.diagnostics import format_diagnostics

                text = format_diagnostics(exc.diagnostics, sources) if isinstance(exc, SpecError) else f"error: {exc}"
                return HTMLResponse(report_page(entry.name, entry.title, params, error=self.redact(text)), 400)
            spec = chart_vegalite(result, ChartShape.of_report(report))
            return HTMLResponse(report_page(entry.name, entry.title, params, report=report, result=result,
                                            spec=spec, rows=json.loads(render(result, "json")), choices=choices,
                                            card=self.findings_card(entry, params, user, on_open, sources)))
        return await self.answer(request, work, html=True)

    def choices(self, report, params, user, on_open) -> dict[str, list[str]]:
        """The values of each dashboard filter that applies to `report` (all of them, for a
        dashboard: `report` None), as `user` sees them."""
        from ..dashboard import DASHBOARD_FILTERS
        from .choices import catalog_fields, filter_choices, restriction_key
        from .reload import stamp
        from .view import board_paths

        ws, as_user = self.ws, (user.email if user else None)
        if report is None:
            fields = catalog_fields(ws.catalog, DASHBOARD_FILTERS)
        else:
            fields = {k: (report.source, p) for k, p in board_paths(report).items()}
        data_path, demo_now = resolve_data(self.data, ws)
        viewer = viewer_of(as_user, ws, resolve_now(params.now, ws, demo_now))

        def run_spec(raw):
            report_plan, path, restriction = plan_report(ws, raw, self.data, params.now, params.timezone,
                                                         as_user=as_user)
            return execute(report_plan, ws, path, restriction=restriction, on_open=on_open)
        depends_on = [fields, params.timezone, as_user, restriction_key(restriction_of(viewer)), stamp(ws.path)]
        return self.choice_cache.get(depends_on, data_path, lambda: filter_choices(fields, run_spec))

    async def dashboard_page(self, request: Request) -> Response:
        def work(user, on_open, sources):
            from ..dashboard import DASHBOARD_FILTERS, dashboard_html, load_dashboard, run_dashboard
            from .dashboard_page import DASHBOARD_KEYS, chart_holder, controls, scripts

            params = run_params(request.query_params.multi_items(), DASHBOARD_KEYS)
            entry = self.entry("dashboard", request.path_params["name"])
            board = load_dashboard(str(entry.path))
            if params.range_ or params.from_ or params.to:
                board = replace(board, preset=params.range_, start=params.from_, end=params.to)
            if params.board:  # the page's choices replace the dashboard's own, key by key
                chosen = {**dict(board.filters), **dict(params.board)}
                board = replace(board, filters=tuple((k, chosen[k]) for k in DASHBOARD_FILTERS if k in chosen))
            data_path, demo_now = resolve_data(self.data, self.ws)
            now_utc = resolve_now(params.now, self.ws, demo_now)
            viewer = viewer_of(user.email if user else None, self.ws, now_utc)

            def step(label):  # between panels: a stopped request runs no further panel
                on_open(None)
            done = run_dashboard(board, self.ws, data_path, now_utc, params.timezone, step, viewer, None,
                                 insights=True)
            choices = self.choices(None, params, user, on_open)
            return HTMLResponse(dashboard_html(done, draw=chart_holder, controls=controls(params, board, choices),
                                               scripts=scripts()))
        return await self.answer(request, work, html=True)

    # -- insights (docs/insights.md) -------------------------------------------------------------
    def findings(self, planned, on_open):
        """The findings of `planned` (what `self.planned` gives: the rows its user may see) as
        `rb insights` finds them; scipy is loaded only here."""
        from ..insights import find_insights

        report_plan, data_path, restriction = planned
        return find_insights(report_plan.report, self.ws.catalog,
                             lambda p: execute(p, self.ws, data_path, restriction=restriction, on_open=on_open))

    def findings_card(self, entry, params, user, on_open, sources) -> str:
        """The report page's findings card: none without time buckets, a note when they fail."""
        from ..insights import has_series
        from ..render.findings_card import findings_card

        planned = self.planned(entry, params, user, sources)
        if not has_series(planned[0].report):
            return ""
        try:
            return findings_card(self.findings(planned, on_open))
        except ReportError as exc:
            return f'<p class="meta">No findings: {escape(self.redact(str(exc)))}</p>\n'

    async def api_insights(self, request: Request) -> Response:
        """`rb insights --format json` with the options of /api/run (JSON only)."""
        from ..insights import render_json

        def work(user, on_open, sources):
            params = run_params(request.query_params.multi_items())
            if params.fmt not in (None, "json"):
                raise BadQuery(f"format={params.fmt}: insights answer json only")
            entry = self.entry("report", request.path_params["name"])
            found = self.findings(self.planned(entry, params, user, sources), on_open)
            return Response(render_json(found), media_type="application/json")
        return await self.answer(request, work)


def create_app(workspace_path: Path | None = None, data: str | None = None,
               time_limit_s: float = TIME_LIMIT_S) -> Starlette:
    """The app over the workspace at `workspace_path` (else ./rb.yaml, else the shipped catalog)."""
    from starlette.middleware import Middleware

    from .builder_api import BuilderApi
    from .reload import LiveReload, changes

    server = _Server(workspace_path, data, time_limit_s)
    builder = BuilderApi(server)
    return Starlette(middleware=[Middleware(LiveReload, server=server)], routes=[
        Route("/", server.library),
        Route("/signin", server.sign_in, methods=["GET", "POST"]),
        Route("/signout", server.sign_out, methods=["GET", "POST"]),
        Route("/report/{name}", server.report_page),
        Route("/dashboard/{name}", server.dashboard_page),
        Route("/api/run/{name}", server.api_run),
        Route("/api/rows/{name}", server.api_rows),
        Route("/api/insights/{name}", server.api_insights),
        Route("/builder", builder.page),
        Route("/api/catalog", builder.catalog),
        Route("/api/changes", partial(changes, server)),
        Route("/api/csrf", builder.token),
        Route("/api/validate", builder.validate, methods=["POST"]),
        Route("/api/preview", builder.preview, methods=["POST"]),
        Route("/api/joins", builder.joins, methods=["POST"]),
        Route("/api/save", builder.save, methods=["POST"]),
        Route("/api/dashboard/add", builder.add_to_dashboard, methods=["POST"]),
        Mount("/static", static_files(), name="static"),
    ])
