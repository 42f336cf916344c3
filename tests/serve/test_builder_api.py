"""The builder's writes and checks: save and add-to-dashboard only with the CSRF token, from the same
origin, by a writer, under a safe name, never over a built-in nor outside the workspace folder;
/api/validate positions errors as `rb validate` does; /api/preview equals `rb run --format json`."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from reportbuilder.cli import main
from reportbuilder.serve import create_app
from reportbuilder.workspace import builtin_names
from tests.security.access_world import FIXTURE, MEMBER, read, write
from tests.serve.test_serve import NOW, SPEC, TOKENS, _with_tokens
from tests.security.access_world import WORKSPACE as LOCKED_WORKSPACE

TYPO = "source: tickets\ndimensions: [status]\nmeasures:\n  - cuont() as tickets\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write(read(FIXTURE), tmp_path_factory.mktemp("builder") / "data")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "rb.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    (tmp_path / "by_status.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


@pytest.fixture
def browser(folder, data):
    """A same-origin browser holding its CSRF token (as the builder page hands it)."""
    client = TestClient(create_app(folder / "rb.yaml", str(data)), base_url="http://127.0.0.1:8000")
    token = client.get("/api/csrf").json()["token"]
    client.headers.update({"X-CSRF-Token": token, "Origin": "http://127.0.0.1:8000"})
    return client


def files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_save_writes_the_spec(folder, browser):
    answer = browser.post("/api/save", json={"name": "my_report-2", "spec": SPEC})
    assert answer.status_code == 201, answer.text
    assert (folder / "my_report-2.yaml").read_text(encoding="utf-8") == SPEC
    assert browser.get("/api/run/my_report-2", params={"now": NOW}).json() == \
        browser.get("/api/run/by_status", params={"now": NOW}).json()
    again = browser.post("/api/save", json={"name": "my_report-2", "spec": SPEC + "limit: 1\n"})
    assert again.status_code == 409 and (folder / "my_report-2.yaml").read_text(encoding="utf-8") == SPEC
    replaced = browser.post("/api/save", json={"name": "my_report-2", "spec": SPEC + "limit: 1\n", "overwrite": True})
    assert replaced.status_code == 201 and (folder / "my_report-2.yaml").read_text().endswith("limit: 1\n")
    assert not [n for n in files(folder) if n.startswith(".rb-save")]


@pytest.mark.parametrize("change, status, text", [
    ({"headers": {"X-CSRF-Token": ""}}, 403, "CSRF"),
    ({"headers": {"X-CSRF-Token": "0" * 64}}, 403, "CSRF"),
    ({"headers": {"Origin": "http://evil.example"}}, 403, "another site"),
    ({"headers": {"Origin": "null"}}, 403, "another site"),
    ({"headers": {"Sec-Fetch-Site": "cross-site"}}, 403, "another site"),
    ({"name": "../x"}, 400, "name must match"),
    ({"name": "a/b"}, 400, "name must match"),
    ({"name": ".hidden"}, 400, "name must match"),
    ({"name": "x.yaml"}, 400, "name must match"),
    ({"name": "x\n"}, 400, "name must match"),
    ({"name": "A"}, 400, "name must match"),
    ({"name": "a" * 65}, 400, "name must match"),
    ({"name": 7}, 400, "name must match"),
    ({"name": "rb"}, 400, "cannot be used"),  # the workspace file itself
    ({"name": builtin_names()[0]}, 409, "built-in"),
    ({"name": builtin_names("dashboards")[0]}, 409, "built-in"),
    ({"name": "by_status"}, 409, "exists"),
    ({"spec": SPEC + "#" * (64 * 1024)}, 413, "larger than 64 KB"),
    ({"spec": TYPO}, 400, "cuont"),
    ({"spec": ""}, 400, "empty"),
])
def test_save_refused_writes_nothing(folder, browser, change, status, text):
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    body = {"name": change.get("name", "fresh"), "spec": change.get("spec", SPEC)}
    answer = browser.post("/api/save", json=body, headers=change.get("headers", {}))
    assert answer.status_code == status, answer.text
    assert text in answer.text
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert str(folder) not in answer.text and "Traceback" not in answer.text


def test_without_the_csrf_cookie_the_token_is_worthless(folder, data, browser):
    stranger = TestClient(create_app(folder / "rb.yaml", str(data)), base_url="http://127.0.0.1:8000")
    token = browser.headers["X-CSRF-Token"]
    answer = stranger.post("/api/save", json={"name": "fresh", "spec": SPEC}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 403 and not (folder / "fresh.yaml").exists()
    assert browser.post("/api/save", json={"name": "fresh", "spec": SPEC}).status_code == 201


def test_symlink_out_of_the_folder_is_refused(folder, browser, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "target.yaml"
    (folder / "link.yaml").symlink_to(outside)
    answer = browser.post("/api/save", json={"name": "link", "spec": SPEC, "overwrite": True})
    assert answer.status_code == 400 and not outside.exists()


def test_writers_only(tmp_path, data):
    (tmp_path / "rb.yaml").write_text(_with_tokens(LOCKED_WORKSPACE), encoding="utf-8")
    app = create_app(tmp_path / "rb.yaml", str(data))
    for email, status in ((MEMBER, 403), ("lead@example.com", 201)):  # member: role member; lead: admin
        client = TestClient(app, base_url="http://127.0.0.1:8000")
        assert client.post("/signin", data={"token": TOKENS[email]}, follow_redirects=False).status_code == 303
        token = client.get("/api/csrf").json()["token"]
        answer = client.post("/api/save", json={"name": "mine", "spec": SPEC}, headers={"X-CSRF-Token": token})
        assert answer.status_code == status, answer.text
        assert (tmp_path / "mine.yaml").exists() == (status == 201)
    anonymous = TestClient(app, base_url="http://127.0.0.1:8000")
    assert anonymous.get("/api/csrf").status_code == 401
    assert anonymous.post("/api/save", json={"name": "x", "spec": SPEC}).status_code == 403


def test_add_to_dashboard(folder, browser):
    first = browser.post("/api/dashboard/add", json={"dashboard": "team_board", "report": "by_status"})
    assert first.status_code == 200 and first.json()["added"] is True
    second = browser.post("/api/dashboard/add", json={"dashboard": "team_board", "report": "tickets_by_channel"})
    assert second.json()["added"] is True
    again = browser.post("/api/dashboard/add", json={"dashboard": "team_board", "report": "by_status"})
    assert again.json()["added"] is False
    import yaml

    doc = yaml.safe_load((folder / "team_board.yaml").read_text(encoding="utf-8"))
    assert doc["reports"] == ["by_status.yaml", "tickets_by_channel"]  # a workspace report by its file
    board = browser.get("/dashboard/team_board", params={"now": NOW})
    assert board.status_code == 200 and board.text.count('class="card"') == 2 and "failed" not in board.text
    before = files(folder)
    for body, status in (({"dashboard": "team_board", "report": "nosuch"}, 404),
                         ({"dashboard": "../team_board", "report": "by_status"}, 400),
                         ({"dashboard": "by_status", "report": "by_status"}, 409),
                         ({"dashboard": builtin_names("dashboards")[0], "report": "by_status"}, 409)):
        assert browser.post("/api/dashboard/add", json=body).status_code == status
    no_token = browser.post("/api/dashboard/add", json={"dashboard": "other", "report": "by_status"},
                            headers={"X-CSRF-Token": ""})
    assert no_token.status_code == 403
    assert files(folder) == before


def test_validate_positions_a_typo(browser):
    answer = browser.post("/api/validate", json={"spec": TYPO})
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert error["line"] == 4 and error["col"] == 5 and "cuont" in error["message"]
    assert browser.post("/api/validate", json={"spec": SPEC}).json() == {"errors": []}
    unknown = browser.post("/api/validate", json={"spec": "source: tickets\nmeasures: [count() as n]\nbogus: 1\n"})
    assert unknown.json()["errors"][0]["line"] == 3
    assert browser.post("/api/validate", json={"spec": SPEC}, headers={"X-CSRF-Token": "x"}).status_code == 403


def test_validate_matches_rb_check_position(folder):
    (folder / "typo.yaml").write_text(TYPO, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder / "typo.yaml")])
    assert result.exit_code == 2 and f"typo.yaml:4:5: error:" in result.output


def test_preview_equals_rb_run(folder, data, browser):
    spec = ("source: tickets\ndimensions: [priority, owner.name as owner]\nmeasures: [count() as tickets, "
            "avg(time_to_first_response) as frt]\nfilters: [\"status != 'closed'\"]\nsort: [-tickets, priority]\n")
    (folder / "draft.yaml").write_text(spec, encoding="utf-8")
    answer = browser.post("/api/preview", params={"now": NOW, "range": "all_time"}, json={"spec": spec})
    assert answer.status_code == 200, answer.text
    cli = CliRunner().invoke(main, ["run", str(folder / "draft.yaml"), "--workspace", str(folder / "rb.yaml"),
                                    "--data", str(data), "--now", NOW, "--range", "all_time", "--format", "json"],
                             env={"RB_USER": ""}, catch_exceptions=False)
    assert cli.exit_code == 0, cli.output
    assert answer.text == cli.output
    charted = browser.post("/api/preview", params={"now": NOW}, json={"spec": spec, "chart": True}).json()
    assert charted["rows"] == json.loads(cli.output) and charted["svg"].startswith("<svg")
    assert charted["groups"] == ["priority", "owner"]  # the preview shows their nulls as (none)
    assert "<td>(none)</td>" in charted["table"] and "<caption>" in charted["table"]  # as rb run -f html shows it
    assert re.search(r'<td class="num">\d+[dhm]( \d+[hms])?</td>', charted["table"])  # frt as a duration
    bad = browser.post("/api/preview", params={"now": NOW}, json={"spec": TYPO})
    assert bad.status_code == 400 and bad.json()["errors"][0]["line"] == 4


def test_join_info(browser):
    spec = "source: tickets\ndimensions: [company.name as company]\nmeasures: [count() as tickets]\n"
    answer = browser.post("/api/joins", params={"now": NOW}, json={"spec": spec})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "join tree:" in body["text"] and "join coverage on the data:" in body["text"]
    (company,) = [c for c in body["coverage"] if c["path"] == "company"]
    assert company["parent_rows"] == 12  # the fixture's tickets


def test_referer_from_another_site_is_refused(folder, browser):
    del browser.headers["Origin"]
    answer = browser.post("/api/save", json={"name": "fresh", "spec": SPEC},
                          headers={"Referer": "http://evil.example/page"})
    assert answer.status_code == 403 and not (folder / "fresh.yaml").exists()
    same = browser.post("/api/save", json={"name": "fresh", "spec": SPEC},
                        headers={"Referer": "http://127.0.0.1:8000/builder"})
    assert same.status_code == 201


def test_without_a_workspace_nothing_is_written(data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./rb.yaml: the shipped catalog alone
    client = TestClient(create_app(None, str(data)), base_url="http://127.0.0.1:8000")
    token = client.get("/api/csrf").json()["token"]
    answer = client.post("/api/save", json={"name": "fresh", "spec": SPEC}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 409 and "--workspace" in answer.text and list(tmp_path.iterdir()) == []
