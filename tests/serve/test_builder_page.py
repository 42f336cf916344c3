"""The builder page and live reload: the page lists the catalog's sources and fields, starts from a
report with `?from=`, links only vendored files; `/api/changes` reports a changed file; the
server reads a changed workspace file (no stale catalog)."""
from __future__ import annotations

import re
import threading
import time

import pytest
from starlette.testclient import TestClient

from reportbuilder.serve import create_app
from reportbuilder.serve.reload import stamp
from tests.serve.test_builder_api import data, folder  # noqa: F401 - fixtures
from tests.serve.test_serve import SPEC


@pytest.fixture
def client(folder, data):  # noqa: F811
    return TestClient(create_app(folder / "rb.yaml", str(data)), base_url="http://127.0.0.1:8000")


def test_builder_page_renders_the_catalog(client):
    page = client.get("/builder", params={"source": "tickets", "now": "2025-06-30T12:00:00"})
    assert page.status_code == 200, page.text
    assert '<option value="tickets" selected>' in page.text and '<option value="calls">' in page.text
    assert "/static/vendor/codemirror/lib/codemirror.js" in page.text
    assert not re.search(r"""(src|href)=["']https?:""", page.text)
    token = re.search(r'"csrf": "([0-9a-f]{64})"', page.text).group(1)
    assert '"query": "now=2025-06-30T12%3A00%3A00"' in page.text
    assert client.post("/api/validate", json={"spec": SPEC}, headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get("/static/vendor/codemirror/mode/yaml/yaml.js").status_code == 200
    catalog = client.get("/api/catalog", params={"source": "tickets"}).json()
    by_path = {s["path"]: s for s in catalog["sources"]}
    assert by_path[""]["kind"] == "primary" and by_path["company"]["kind"] == "many-to-one"
    assert by_path["conversations"]["kind"] == "one-to-many"
    assert by_path["conversations.messages"]["entity"] == "messages"
    fields = {f["name"]: f for f in by_path[""]["fields"]}
    assert fields["status"]["type"] == "text" and not fields["status"]["derived"]
    assert fields["time_to_first_response"]["derived"] and fields["time_to_first_response"]["description"]
    assert any(m["name"] == "fcr_rate" for m in by_path[""]["measures"])
    assert {e["name"] for e in catalog["entities"]} >= {"tickets", "calls", "owners"}


def test_builder_from_a_report(client):
    page = client.get("/builder", params={"from": "by_status"})
    assert page.status_code == 200
    assert "dimensions: [status]" in page.text and 'value="by_status"' in page.text
    builtin = client.get("/builder", params={"from": "tickets_created_over_time"})
    assert '<option value="tickets" selected>' in builtin.text and 'value="tickets_created_over_time_copy"' in builtin.text
    assert client.get("/builder", params={"from": "../rb"}).status_code == 404
    assert client.get("/builder", params={"source": "nosuch"}).status_code == 400
    assert client.get("/builder", params={"bogus": "1"}).status_code == 400


def test_every_page_carries_the_reload_script(client, folder):
    for path in ("/", "/builder", "/report/by_status"):
        page = client.get(path, params={"now": "2025-06-30T12:00:00"} if "report" in path else None)
        assert f'var since = "{stamp(folder / "rb.yaml")}"' in page.text, path
        assert page.text.rstrip().endswith("</html>")
        assert int(page.headers["content-length"]) == len(page.content)
    assert "EventSource" not in client.get("/api/run/by_status").text


def test_changes_reports_a_change_since_the_page(client, folder):
    since = stamp(folder / "rb.yaml")
    (folder / "new_report.yaml").write_text(SPEC, encoding="utf-8")
    answer = client.get("/api/changes", params={"since": since})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
    assert f"event: change\ndata: {stamp(folder / 'rb.yaml')}\n\n" in answer.text


def test_changes_waits_for_a_change(client, folder):
    def edit():
        time.sleep(1.5)
        (folder / "by_status.yaml").write_text(SPEC + "limit: 2\n", encoding="utf-8")

    editor = threading.Thread(target=edit)
    started = time.monotonic()
    editor.start()
    answer = client.get("/api/changes")
    editor.join()
    assert "event: change" in answer.text and time.monotonic() - started >= 1.5
    assert answer.text.count("event: change") == 1


def test_changed_workspace_is_read_again(client, folder):
    spec = "source: tickets\ndimensions: [is_hot]\nmeasures: [count() as n]\n"
    token = client.get("/api/csrf").json()["token"]
    assert client.post("/api/validate", json={"spec": spec}, headers={"X-CSRF-Token": token}).status_code == 400
    before = client.get("/api/run/by_status", params={"now": "2025-06-30T12:00:00"}).json()
    time.sleep(0.01)
    (folder / "rb.yaml").write_text("timezone: UTC\nderived_fields:\n  tickets:\n"
                                    "    is_hot: {expr: \"priority = 'urgent'\", type: boolean}\n",
                                    encoding="utf-8")
    answer = client.post("/api/validate", json={"spec": spec}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    assert any(f["name"] == "is_hot" for f in client.get("/api/catalog", params={"source": "tickets"}).json()
               ["sources"][0]["fields"])
    (folder / "rb.yaml").write_text("timezone: [broken\n", encoding="utf-8")  # a broken edit keeps the last good one
    assert client.post("/api/validate", json={"spec": spec}, headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get("/api/run/by_status", params={"now": "2025-06-30T12:00:00"}).json() == before
