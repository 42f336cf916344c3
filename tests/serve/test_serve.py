"""`rb serve` through Starlette's TestClient (no socket): the API answers exactly as `rb run` and
`rb rows` do with the same options, tokens decide who sees what, bad input gets a clean 4xx."""
from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from reportbuilder.cli import main
from reportbuilder.serve import create_app
from reportbuilder.serve.guard import Stopped, run_guarded
from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE, read, write

NOW = "2025-06-30T12:00:00"
TOKENS = {"lead@example.com": "lead-token", MEMBER: "bob-token"}
SPEC = "source: tickets\ndimensions: [status]\nmeasures: [count() as tickets]\n"


def _with_tokens(text: str) -> str:
    for email, token in TOKENS.items():
        digest = hashlib.sha256(token.encode()).hexdigest()
        text = text.replace(f"{email}: {{role: ", f"{email}: {{token_sha256: {digest}, role: ")
    return text


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    data = write(read(FIXTURE), root / "data")
    open_ws = root / "open"
    open_ws.mkdir()
    (open_ws / "rb.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    (open_ws / "by_status.yaml").write_text(SPEC, encoding="utf-8")
    (open_ws / "notes.yaml").write_text("just: notes\n", encoding="utf-8")
    locked = root / "locked"
    locked.mkdir()
    (locked / "rb.yaml").write_text(_with_tokens(WORKSPACE), encoding="utf-8")
    (locked / "by_status.yaml").write_text(SPEC, encoding="utf-8")
    return root, data, open_ws / "rb.yaml", locked / "rb.yaml"


@pytest.fixture(scope="module")
def client(world):
    _, data, workspace, _ = world
    return TestClient(create_app(workspace, str(data)))


@pytest.fixture(scope="module")
def locked(world):
    _, data, _, workspace = world
    return TestClient(create_app(workspace, str(data)))


def cli_json(*args) -> str:
    result = CliRunner().invoke(main, ["run", *map(str, args), "--format", "json"], env={"RB_USER": ""},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


OPTIONS = [
    {},
    {"range": "last_30_days"},
    {"from": "2025-05-01", "to": "2025-06-15", "timezone": "Europe/Paris"},
    {"filter": ["priority = 'high'", "status != 'closed'"]},
]


def _cli_options(options: dict) -> list[str]:
    args = []
    for key, value in options.items():
        for one in value if isinstance(value, list) else [value]:
            args += [f"--{key}", one]
    return args


@pytest.mark.parametrize("name", ["tickets_by_channel", "tickets_created_over_time", "tickets_per_company"])
@pytest.mark.parametrize("options", OPTIONS)
def test_api_run_equals_rb_run(world, client, name, options):
    _, data, workspace, _ = world
    answer = client.get(f"/api/run/{name}", params={**options, "now": NOW})
    expected = cli_json(name, "--workspace", workspace, "--data", data, "--now", NOW, *_cli_options(options))
    assert answer.status_code == 200, answer.text
    assert answer.text == expected
    assert answer.headers["content-type"] == "application/json"


def test_workspace_report_equals_rb_run_of_its_file(world, client):
    _, data, workspace, _ = world
    answer = client.get("/api/run/by_status", params={"now": NOW})
    assert answer.status_code == 200, answer.text
    assert answer.text == cli_json(workspace.parent / "by_status.yaml", "--workspace", workspace, "--data", data,
                                   "--now", NOW)
    assert sum(r["tickets"] for r in json.loads(answer.text)) == 12  # the fixture's tickets, by hand


def test_csv_export(world, client):
    by_suffix = client.get("/api/run/by_status.csv", params={"now": NOW})
    by_param = client.get("/api/run/by_status", params={"now": NOW, "format": "csv"})
    assert by_suffix.status_code == 200 and by_suffix.text == by_param.text
    assert by_suffix.text.splitlines()[0] == "status,tickets"
    assert by_suffix.headers["content-type"].startswith("text/csv")


def test_tokens(world, locked):
    _, data, _, workspace = world
    assert locked.get("/api/run/by_status").status_code == 401
    wrong = locked.get("/api/run/by_status", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "unauthorized"}
    assert locked.get("/", headers={"Authorization": "Basic bob-token"}).status_code == 401
    assert locked.get("/report/by_status").status_code == 401
    member = locked.get("/api/run/tickets_by_channel", params={"now": NOW},
                        headers={"Authorization": f"Bearer {TOKENS[MEMBER]}"})
    as_member = cli_json("tickets_by_channel", "--workspace", workspace, "--data", data, "--now", NOW, "--as", MEMBER)
    assert member.status_code == 200 and member.text == as_member
    lead = locked.get("/api/run/tickets_by_channel", params={"now": NOW},
                      headers={"Authorization": f"Bearer {TOKENS['lead@example.com']}"})
    assert lead.text == cli_json("tickets_by_channel", "--workspace", workspace, "--data", data, "--now", NOW)
    assert sum(r["tickets"] for r in member.json()) < sum(r["tickets"] for r in lead.json())


def rows_cli(world, workspace, *args) -> list[dict]:
    _, data, _, _ = world
    result = CliRunner().invoke(main, ["rows", str(workspace.parent / "by_status.yaml"), "--workspace",
                                       str(workspace), "--data", str(data), "--now", NOW, "--format", "json",
                                       *args], env={"RB_USER": ""}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_rows_drill_down_with_paging(world, client):
    workspace = world[2]
    whole = client.get("/api/rows/by_status", params={"now": NOW, "cell": "status=closed"})
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert body["rows"] == rows_cli(world, workspace, "--cell", "status=closed")
    assert body["total"] == body["value"] == len(body["rows"]) == 6  # tickets 1, 2, 3, 8, 11, 12 by hand
    page = client.get("/api/rows/by_status", params={"now": NOW, "cell": "status=closed", "limit": 1, "offset": 1})
    assert page.json()["rows"] == body["rows"][1:2] and page.json()["total"] == body["total"]
    missing = client.get("/api/rows/by_status", params={"now": NOW, "cell": "status=nosuch"})
    assert missing.status_code == 400 and "no row status=nosuch" in missing.json()["error"]


def test_rows_as_member(world, locked):
    workspace = world[3]
    answer = locked.get("/api/rows/by_status", params={"now": NOW, "cell": "status=closed"},
                        headers={"Authorization": f"Bearer {TOKENS[MEMBER]}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"] == rows_cli(world, workspace, "--cell", "status=closed", "--as", MEMBER)
    assert locked.get("/api/rows/by_status", params={"cell": "status=closed"}).status_code == 401


@pytest.mark.parametrize("path, params, status, text", [
    ("/api/run/no_such_report", {}, 404, "no report named 'no_such_report'"),
    ("/api/run/notes", {}, 404, "no report named"),  # a YAML file that is no spec
    ("/api/run/by_status", {"bogus": "1"}, 400, "unknown query parameter 'bogus'"),
    ("/api/run/by_status", {"range": ["last_week", "this_week"]}, 400, "given 2 times"),
    ("/api/run/by_status", {"filter": "status = = 'open'"}, 400, "--filter:1:"),
    ("/api/run/by_status", {"range": "last_fortnight"}, 400, "error:"),
    ("/api/run/by_status", {"now": "yesterday"}, 400, "--now:1:1: error:"),
    ("/api/run/by_status", {"format": "xml"}, 400, "expected json or csv"),
    ("/api/rows/by_status", {"cell": "status"}, 400, "expected NAME=VALUE"),
    ("/api/rows/by_status", {"cell": "status=closed", "limit": "-1"}, 400, "whole number"),
    ("/report/nope", {}, 404, "no report named"),
])
def test_bad_input(world, client, path, params, status, text):
    answer = client.get(path, params={"now": NOW, **params} if "now" not in params else params)
    assert answer.status_code == status, answer.text
    assert text in answer.text
    assert "Traceback" not in answer.text and str(world[0]) not in answer.text
    assert "site-packages" not in answer.text and "/reportbuilder/" not in answer.text


def test_bad_spec_in_workspace_is_positioned_without_paths(world, tmp_path):
    (tmp_path / "rb.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("source: tickets\nmeasures: [count() as n, nosuch(x) as m]\n")
    answer = TestClient(create_app(tmp_path / "rb.yaml", str(world[1]))).get("/api/run/broken",
                                                                             params={"now": NOW})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("broken.yaml:2:")
    assert str(tmp_path) not in answer.text


def test_pages(world, client):
    library = client.get("/")
    assert library.status_code == 200
    assert 'id="search"' in library.text and "/report/by_status" in library.text
    assert "/report/tickets_by_channel" in library.text and "/dashboard/" in library.text
    assert "notes" not in library.text and "http://" not in library.text and "https://" not in library.text
    page = client.get("/report/by_status", params={"now": NOW, "range": "all_time", "filter": "priority = 'high'"})
    assert page.status_code == 200, page.text
    assert 'id="chart"' in page.text and "<table>" in page.text and "/static/vendor/vega-embed.min.js" in page.text
    assert '<option value="all_time" selected>' in page.text
    assert "value=\"priority = &#x27;high&#x27;\"" in page.text
    assert "/api/run/by_status.csv?range=all_time" in page.text
    empty_form = client.get("/report/by_status", params={"now": NOW, "range": "", "from": "", "filter": ""})
    assert empty_form.status_code == 200
    bad = client.get("/report/by_status", params={"now": NOW, "filter": "nosuch = 1"})
    assert bad.status_code == 400 and 'class="error"' in bad.text and 'name="filter"' in bad.text


def test_dashboard_page(client):
    from reportbuilder.workspace import builtin_names

    answer = client.get(f"/dashboard/{builtin_names('dashboards')[0]}", params={"now": NOW})
    assert answer.status_code == 200, answer.text
    assert 'class="vega-chart"' in answer.text and '"$schema"' in answer.text and 'id="options"' in answer.text
    assert client.get("/dashboard/helpdesk_summary", params={"now": NOW, "team": "x", "granularity": "day"}
                      ).status_code == 400  # granularity is a report option, not a dashboard one


def test_view_options(client):
    plain = client.get("/api/run/tickets_created_over_time", params={"now": NOW}).json()
    monthly = client.get("/api/run/tickets_created_over_time", params={"now": NOW, "granularity": "month"}).json()
    assert len(monthly) < len(plain) and sum(r["tickets"] for r in monthly) >= sum(r["tickets"] for r in plain)
    assert set(plain[0]) == {"week", "tickets"} and set(monthly[0]) == {"month", "tickets"}  # named as viewed
    assert [r["month"] for r in monthly] == sorted(r["month"] for r in monthly)  # the sort follows the rename
    compared = client.get("/api/run/tickets_created_over_time", params={"now": NOW, "compare": "previous_period"})
    assert "tickets_previous" in compared.json()[0]
    by_owner = client.get("/api/run/tickets_by_channel", params={"now": NOW, "owner": "nobody at all"}).json()
    assert all(r["tickets"] == 0 for r in by_owner)
    for bad in ({"granularity": "fortnight"}, {"compare": "yes"}):
        answer = client.get("/api/run/tickets_created_over_time", params={"now": NOW, **bad})
        assert answer.status_code == 400 and "expected one of" in answer.json()["error"]
    page = client.get("/report/tickets_created_over_time", params={"now": NOW, "granularity": "month", "team": "x"})
    assert page.status_code == 200 and '<option value="month" selected>' in page.text
    assert "granularity=month" in page.text and "team=x" in page.text  # the CSV link keeps the view


def test_concurrent_requests(world, client):
    expected = client.get("/api/run/tickets_by_channel", params={"now": NOW}).text

    def one(i):
        path = "/api/run/tickets_by_channel" if i % 2 else "/api/rows/by_status"
        params = {"now": NOW} if i % 2 else {"now": NOW, "cell": "status=closed"}
        return i, client.get(path, params=params)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(one, range(20)))
    assert all(a.status_code == 200 for _, a in answers), [a.text for _, a in answers if a.status_code != 200]
    assert all(a.text == expected for i, a in answers if i % 2)


class _SlowConnection:
    """Stands in for the DuckDB connection: its query runs until interrupted."""

    def __init__(self):
        self.interrupted = threading.Event()

    def interrupt(self):
        self.interrupted.set()


def test_time_limit_interrupts_the_query():
    connection = _SlowConnection()

    def work(on_open):
        on_open(connection)
        assert connection.interrupted.wait(10), "never interrupted"
        raise RuntimeError("INTERRUPT")

    async def go():
        async def connected():
            return False
        with pytest.raises(Stopped) as stopped:
            await run_guarded(work, 0.2, connected)
        return stopped.value.reason

    assert anyio.run(go) == "time" and connection.interrupted.is_set()


def test_client_gone_interrupts_the_query():
    connection = _SlowConnection()

    def work(on_open):
        on_open(connection)
        connection.interrupted.wait(10)
        raise RuntimeError("INTERRUPT")

    async def go():
        async def gone():
            return True
        with pytest.raises(Stopped) as stopped:
            await run_guarded(work, 30, gone)
        return stopped.value.reason

    assert anyio.run(go) == "gone"


def test_server_time_limit_answers_504(world, monkeypatch):
    from reportbuilder.serve import app as app_module

    interrupted = threading.Event()

    def stalled(*args, on_open=None, **kwargs):  # a query that runs until DuckDB is interrupted
        connection = _SlowConnection()
        on_open(connection)
        if connection.interrupted.wait(10):
            interrupted.set()
        raise RuntimeError("interrupted")

    monkeypatch.setattr(app_module, "execute", stalled)
    answer = TestClient(create_app(world[2], str(world[1]), time_limit_s=2)).get("/api/run/by_status",
                                                                                 params={"now": NOW})
    assert answer.status_code == 504 and interrupted.is_set()
    assert answer.json() == {"error": "error: the query ran past the time limit of 2 s"}


def test_sign_in_session(world):
    app = create_app(world[3], str(world[1]))
    browser = TestClient(app, base_url="http://127.0.0.1:8000")
    assert browser.get("/").status_code == 401 and 'action="/signin"' in browser.get("/").text
    wrong = browser.post("/signin", data={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "rb_session" not in wrong.headers.get("set-cookie", "")
    foreign = browser.post("/signin", data={"token": TOKENS[MEMBER]}, headers={"Origin": "http://evil.example"},
                           follow_redirects=False)
    assert foreign.status_code == 403 and "rb_session" not in foreign.headers.get("set-cookie", "")
    signed = browser.post("/signin", data={"token": TOKENS[MEMBER]}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    member = browser.get("/api/run/tickets_by_channel", params={"now": NOW})
    assert member.status_code == 200
    assert member.text == cli_json("tickets_by_channel", "--workspace", world[3], "--data", world[1], "--now", NOW,
                                   "--as", MEMBER)
    assert browser.get("/report/by_status", params={"now": NOW}).status_code == 200
    # a wrong bearer header is refused even with a session
    assert browser.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401
    token = browser.get("/api/csrf").json()["token"]
    browser.post("/signout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert browser.get("/").status_code == 401
    forger = TestClient(app)
    forger.cookies.set("rb_session", "forged")
    assert forger.get("/").status_code == 401


@pytest.mark.parametrize("reason, limit_s", [("time", 0.3), ("gone", 60)])
def test_a_real_duckdb_query_is_interrupted(world, reason, limit_s):
    """DataConnection.interrupt ends a long DuckDB query from the watcher's thread, past the time
    limit or once the client has gone away (here: after a few polls)."""
    from reportbuilder.catalog.load_catalog import load_catalog
    from reportbuilder.run.load_data import open_data

    con = open_data(world[1], ("tickets",), load_catalog())
    long_query = "SELECT count(*) FROM range(100000000000) AS t(x) WHERE x % 7 = 3"
    polls = []

    def work(on_open):
        on_open(con)
        return con.execute(long_query).fetchall()

    async def go():
        async def disconnected():
            polls.append(1)
            return reason == "gone" and len(polls) > 3
        with pytest.raises(Stopped) as stopped:
            await run_guarded(work, limit_s, disconnected)
        return stopped.value.reason

    started = time.monotonic()
    try:
        assert anyio.run(go) == reason
    finally:
        con.close()
    assert time.monotonic() - started < 10  # the whole range would take many minutes


def test_rb_serve_with_a_broken_workspace_stops_before_listening(tmp_path):
    (tmp_path / "rb.yaml").write_text("users:\n  bob@example.com: {role: member, token_sha256: abc}\n")
    result = CliRunner().invoke(main, ["serve", "--workspace", str(tmp_path / "rb.yaml")])
    assert result.exit_code == 2
    assert "rb.yaml:2:" in result.output and "64 hex digits" in result.output and "Traceback" not in result.output


def test_the_report_page_table_reads_none_for_a_null_group(client):
    page = client.get("/report/team_summary", params={"now": NOW, "range": "all_time"})
    assert page.status_code == 200, page.text
    table = page.text.split('<div id="result" class="scroll">')[1].split("</table>")[0]
    assert "<td>(none)</td>" in table and "<td></td>" not in table  # tickets no team owns
