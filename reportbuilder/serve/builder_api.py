"""The builder's API: validate, preview and explain a posted spec, save it, add it to a dashboard.

Every POST is read with a size limit (413), checked for CSRF (403) before anything else, then
authenticated and run like the other routes (`_Server.answer`: time limit, errors without paths).
A posted spec is checked by the same checker as `rb validate`/`rb run`; its errors come back as
`{line, col, message}` so the editor can mark them at their line.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..errors import BuildError, SpecError
from . import save
from .params import run_params

SPEC_MAX = 64 * 1024
LABEL = "builder.yaml"  # how a posted spec is named in messages
PREVIEW_KEYS = ("now", "range", "timezone")  # builder page options passed on to the preview
PAGE_KEYS = PREVIEW_KEYS + ("source", "from")  # `from`: the report to start from


class TooLarge(Exception):
    """The body is over SPEC_MAX: answered 413."""


def positioned(diagnostics) -> list[dict]:
    """The checker's diagnostics as editor marks; a problem outside the spec (an option) sits on line 1."""
    out = []
    for d in diagnostics:
        inside = d.span is not None and d.span.file == LABEL
        message = d.message if inside or d.span is None else f"{d.span.file}: {d.message}"
        if d.hint and d.hint not in message:
            message += f" ({d.hint})"
        out.append({"line": d.span.line if inside else 1, "col": d.span.column if inside else 1,
                    "message": message})
    return out


async def read_json(request: Request) -> dict:
    """The JSON body (at most SPEC_MAX bytes, read in chunks so a huge body is not held)."""
    size, chunks = 0, []
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > SPEC_MAX:
        raise TooLarge()
    async for chunk in request.stream():
        size += len(chunk)
        if size > SPEC_MAX:
            raise TooLarge()
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks) or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


class BuilderApi:
    def __init__(self, server):
        self.server = server
        self.csrf = server.csrf  # one guard: a token of any page is good for every POST

    # -- shared steps --------------------------------------------------------------------------
    async def _posted(self, request: Request, work) -> Response:
        """Size limit, CSRF, JSON body, then `work(body, user, on_open, sources)` as an answered request."""
        try:
            body = await read_json(request)
        except TooLarge:
            return JSONResponse({"error": f"the request is larger than {SPEC_MAX // 1024} KB"}, 413)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        refusal = self.csrf.refusal(request)
        if refusal:
            return JSONResponse({"error": f"forbidden: {refusal}"}, 403)
        return await self.server.answer(request, lambda user, on_open, sources: work(body, user, on_open, sources))

    def _plan(self, text: object, request: Request, user, sources):
        from ..errors import Diagnostic, Span
        from ..load.load_spec import load_spec_text
        from ..running import plan_report

        if not isinstance(text, str) or not text.strip():
            raise SpecError((Diagnostic("empty-spec", "the spec is empty", Span(LABEL, 1, 1)),))
        params = run_params(request.query_params.multi_items())
        sources[LABEL] = text
        raw = load_spec_text(text, LABEL, "builder")
        return plan_report(self.server.ws, raw, self.server.data, params.now, params.timezone, params.range_,
                           params.from_, params.to, params.filters, user.email if user else None)

    @staticmethod
    def _errors(exc: Exception) -> JSONResponse:
        if isinstance(exc, SpecError):
            found = positioned(exc.diagnostics)
        else:
            found = [{"line": 1, "col": 1, "message": str(exc)}]
        return JSONResponse({"errors": found}, 400)

    def check(self, text: object, request: Request, user, sources):
        """The planned report of the posted spec `text`, or the JSON answer listing its positioned errors."""
        try:
            return self._plan(text, request, user, sources), None
        except (SpecError, BuildError) as exc:
            return None, self._errors(exc)

    # -- routes --------------------------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        """GET /builder[?source=ENTITY][&from=REPORT][&now=..&range=..&timezone=..]: the builder page."""
        import yaml

        from .builder_page import builder_html
        from .params import BadQuery

        def work(user, on_open, sources):
            items = request.query_params.multi_items()
            unknown = [k for k, _ in items if k not in PAGE_KEYS]
            if unknown:
                raise BadQuery(f"unknown query parameter '{unknown[0]}'; known: {', '.join(PAGE_KEYS)}")
            asked = dict(items)
            catalog = self.server.ws.catalog
            initial, name, source = "", "", asked.get("source") or catalog.entity_names[0]
            if asked.get("from"):
                entry = self.server.entry("report", asked["from"])
                initial = entry.path.read_text(encoding="utf-8")
                doc = yaml.safe_load(initial)
                source = doc.get("source") if isinstance(doc, dict) and isinstance(doc.get("source"), str) else source
                name = f"{entry.name}_copy" if entry.builtin else entry.name
            if catalog.entity(source) is None:
                raise BadQuery(f"source={source}: no such entity; entities: {', '.join(catalog.entity_names)}")
            token, fresh = self.csrf.issue(request)
            query = urlencode([(k, v) for k, v in items if k in PREVIEW_KEYS and v])
            html = builder_html(catalog.entity_names, source, token, query, initial, name)
            return self.csrf.set_cookie(HTMLResponse(html), request, fresh)
        return await self.server.answer(request, work, html=True)

    async def catalog(self, request: Request) -> Response:
        """GET /api/catalog?source=ENTITY: the entities, and the sources reachable from ENTITY with their fields."""
        from ..running import viewer_of
        from .builder_catalog import catalog_json

        def work(user, on_open, sources):
            viewer = viewer_of(user.email if user else None, self.server.ws, None)
            hidden = viewer.hidden if viewer else frozenset()
            return JSONResponse(catalog_json(self.server.ws.catalog, request.query_params.get("source"), hidden))
        return await self.server.answer(request, work)

    async def token(self, request: Request) -> Response:
        """GET /api/csrf: the token for scripts and API clients (sets the `rb_csrf` cookie when needed)."""
        from .auth import Unauthorized, user_of_request

        try:
            user_of_request(request, self.server.ws.access, self.server.sessions)
        except Unauthorized:
            return JSONResponse({"error": "unauthorized"}, 401, headers={"WWW-Authenticate": "Bearer"})
        token, fresh = self.csrf.issue(request)
        return self.csrf.set_cookie(JSONResponse({"token": token}), request, fresh)

    async def _posted_spec(self, request: Request, work) -> Response:
        """A posted spec checked and planned, then `work(body, plan, data_path, restriction, on_open)`;
        a spec with errors is answered with them."""
        def checked(body, user, on_open, sources):
            planned, failed = self.check(body.get("spec"), request, user, sources)
            return failed if failed is not None else work(body, *planned, on_open)
        return await self._posted(request, checked)

    async def validate(self, request: Request) -> Response:
        return await self._posted_spec(request, lambda *_: JSONResponse({"errors": []}))

    async def preview(self, request: Request) -> Response:
        """The result as `rb run FILE --format json` prints it; with `"chart": true`, {rows, svg, groups,
        table} (groups: the dimension columns; table: the rows as `rb run --format html` shows them,
        durations, thousands and "(none)" included)."""
        from ..render.render_data import render
        from ..running import execute

        def work(body, report_plan, data_path, restriction, on_open):
            result = execute(report_plan, self.server.ws, data_path, restriction=restriction, on_open=on_open)
            text = render(result, "json")
            if not body.get("chart"):
                return Response(text, media_type="application/json")
            from ..render.chart_output import chart_vegalite, svg_of
            from ..render.chart_spec import ChartShape
            from ..render.html_page import data_table

            shape = ChartShape.of_report(report_plan.report)
            return JSONResponse({"rows": json.loads(text), "svg": svg_of(chart_vegalite(result, shape)),
                                 "groups": list(shape.dimensions), "table": data_table(result, groups=shape.dimensions)})
        return await self._posted_spec(request, work)

    async def joins(self, request: Request) -> Response:
        """What `rb explain --data` says of the posted spec: the join tree and each join's coverage."""
        from ..explain import explain_coverage, explain_plan
        from ..run.coverage import join_coverage

        def work(body, report_plan, data_path, restriction, on_open):
            coverage = join_coverage(report_plan, self.server.ws.catalog, data_path, restriction)
            return JSONResponse({
                "text": explain_plan(report_plan) + "\n" + explain_coverage(report_plan, coverage),
                "coverage": [{"path": ".".join(c.path), "parent_rows": c.parent_rows,
                              "without_related": c.without_related, "orphan_links": c.orphan_links,
                              "duplicate_keys": c.duplicate_keys} for c in coverage]})
        return await self._posted_spec(request, work)

    async def _written(self, request: Request, work) -> Response:
        """A write: the writer role first, then `work(body, user, sources, workspace_file)`; a refusal of
        `save` is answered with its status."""
        def checked(body, user, on_open, sources):
            if not save.may_write(user):
                return JSONResponse({"error": "forbidden: your role may not change the workspace "
                                              f"(writers: {', '.join(save.WRITER_ROLES)})"}, 403)
            try:
                return work(body, user, sources, self.server.ws.path)
            except save.Refused as exc:
                return JSONResponse({"error": str(exc)}, exc.status)
        return await self._posted(request, checked)

    async def save(self, request: Request) -> Response:
        """POST /api/save {name, spec, overwrite}: the spec is checked first; nothing is written on error."""
        def work(body, user, sources, ws_file):
            _, failed = self.check(body.get("spec"), request, user, sources)
            if failed is not None:
                return failed
            save.save_report(ws_file, body.get("name"), body["spec"], body.get("overwrite") is True)
            return JSONResponse({"saved": body["name"], "url": f"/report/{body['name']}"}, 201)
        return await self._written(request, work)

    async def add_to_dashboard(self, request: Request) -> Response:
        """POST /api/dashboard/add {dashboard, report}: the report must be one the app serves."""
        from .library import entries

        def work(body, user, sources, ws_file):
            report = body.get("report")
            entry = entries(ws_file).get(("report", report)) if isinstance(report, str) else None
            if entry is None:
                return JSONResponse({"error": "no report of that name"}, 404)
            # a dashboard names a built-in by name, a workspace report by its file (beside the dashboard)
            added = save.add_to_dashboard(ws_file, body.get("dashboard"), report if entry.builtin else entry.path.name)
            return JSONResponse({"dashboard": body["dashboard"], "added": added,
                                 "url": f"/dashboard/{body['dashboard']}"})
        return await self._written(request, work)
