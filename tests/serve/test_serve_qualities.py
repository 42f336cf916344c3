"""Server qualities across endpoints: every bad input is a 4xx that names no server folder and
writes nothing; signing out needs the same origin and the CSRF token. (A client that goes away
interrupts its real DuckDB query: test_serve.py, test_a_real_duckdb_query_is_interrupted.)"""
from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from reportbuilder.serve import create_app
from tests.serve.test_builder_api import browser, data, files, folder  # noqa: F401 - fixtures
from tests.serve.test_serve import MEMBER, NOW, SPEC, TOKENS, world  # noqa: F401 - fixtures

BIG = SPEC + "#" * (65 * 1024)


def clean(answer, *folders) -> None:
    text = answer.text
    assert "Traceback" not in text and "site-packages" not in text and "/reportbuilder/" not in text
    assert not any(str(f) in text for f in folders), text


@pytest.mark.parametrize("method, path, kwargs, status, text", [
    ("post", "/api/preview", {"json": {"spec": BIG}}, 413, "larger than 64 KB"),
    ("post", "/api/validate", {"json": {"spec": BIG}}, 413, "larger than 64 KB"),
    ("post", "/api/joins", {"json": {"spec": BIG}}, 413, "larger than 64 KB"),
    ("post", "/api/preview", {"content": b"[1, 2]"}, 400, "JSON object"),
    ("post", "/api/validate", {"content": b"{not json"}, 400, "JSON object"),
    ("post", "/api/preview?filter=status%20%3D%20%3D%20'open'", {"json": {"spec": SPEC}}, 400, "--filter: invalid expression"),
    ("post", "/api/preview?range=last_fortnight", {"json": {"spec": SPEC}}, 400, "last_fortnight"),
    ("post", "/api/preview", {"json": {"spec": "source: /etc/passwd\n"}}, 400, "errors"),
    ("get", "/api/run/by_status?filter=status%20%3D%20%3D%20'open'", {}, 400, "--filter:1:"),
    ("get", "/report/by_status?filter=owner.name%20~~%20'x'", {}, 400, "filter"),
    ("get", "/api/rows/nope?cell=status%3Dopen", {}, 404, "no report named 'nope'"),
    ("get", "/api/insights/nope", {}, 404, "no report named 'nope'"),
    ("get", "/api/run/..%2F..%2Fetc%2Fpasswd", {}, 404, "Not Found"),
    ("get", "/dashboard/nope", {}, 404, "no dashboard named &#x27;nope&#x27;"),
    ("get", "/builder?from=nope", {}, 404, "no report named &#x27;nope&#x27;"),
    ("get", "/builder?source=nope", {}, 400, "no such entity"),
    ("post", "/api/dashboard/add", {"json": {"dashboard": "../up", "report": "by_status"}}, 400, "name"),
    ("post", "/api/save", {"json": {"name": "../../evil", "spec": SPEC}}, 400, "name"),
])
def test_bad_input_is_a_clean_4xx_and_writes_nothing(folder, data, browser, method, path, kwargs, status, text):
    before = files(folder)
    sep = "&" if "?" in path else "?"
    answer = getattr(browser, method)(f"{path}{sep}now={NOW}", **kwargs)
    assert answer.status_code == status, answer.text
    assert text in answer.text
    clean(answer, folder, data, folder.parent)
    assert files(folder) == before and not (folder.parent / "evil.yaml").exists()


def _signed_in(world):
    client = TestClient(create_app(world[3], str(world[1])), base_url="http://127.0.0.1:8000")
    assert client.post("/signin", data={"token": TOKENS[MEMBER]}, follow_redirects=False).status_code == 303
    return client


def test_sign_out_needs_the_same_origin_and_the_token(world):
    client = _signed_in(world)
    form = client.get("/signout")
    assert form.status_code == 200 and 'action="/signout"' in form.text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text).group(1)
    forged = client.post("/signout", data={"csrf": "0" * 64}, follow_redirects=False)
    missing = client.post("/signout", follow_redirects=False)
    foreign = client.post("/signout", data={"csrf": token}, headers={"Origin": "http://evil.example"},
                          follow_redirects=False)
    cross = client.post("/signout", data={"csrf": token}, headers={"Sec-Fetch-Site": "cross-site"},
                        follow_redirects=False)
    assert [a.status_code for a in (forged, missing, foreign, cross)] == [403] * 4
    assert client.get("/").status_code == 200  # still signed in
    done = client.post("/signout", data={"csrf": token}, headers={"Origin": "http://127.0.0.1:8000"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/signin"
    assert client.get("/").status_code == 401
