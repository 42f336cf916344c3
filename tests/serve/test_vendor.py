"""The vendored browser code is exactly what scripts/vendor_frontend.py locked, ships in the
wheel, is served with the right headers, and no page points at a CDN."""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from starlette.testclient import TestClient

from reportbuilder.serve import create_app

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "reportbuilder" / "serve"
LOCK = json.loads((SERVE / "vendor.lock.json").read_text())


def test_every_vendored_file_matches_the_lock_and_nothing_else_is_there():
    locked = {name: digest for package in LOCK.values() for name, digest in package["files"].items()}
    vendor = SERVE / "static" / "vendor"
    present = {p.relative_to(vendor).as_posix() for p in vendor.rglob("*") if p.is_file()}
    assert present == set(locked)
    for name, digest in locked.items():
        assert hashlib.sha256((SERVE / "static" / "vendor" / name).read_bytes()).hexdigest() == digest, name
    assert set(LOCK) == {"vega", "vega-lite", "vega-embed", "codemirror"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", p["version"]) and p["integrity"].startswith("sha512-")
               for p in LOCK.values())


def test_the_wheel_ships_the_static_files():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = data["reportbuilder.serve"]
    for path in [SERVE / "vendor.lock.json", *(SERVE / "static").rglob("*")]:
        if path.is_file():
            rel = path.relative_to(SERVE).as_posix()
            assert any(fnmatch(rel, p) for p in patterns), rel


def test_static_files_are_served_with_types_and_cache_headers():
    client = TestClient(create_app())
    script = client.get("/static/vendor/vega-embed.min.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "public, max-age=86400"
    assert "etag" in script.headers
    again = client.get("/static/vendor/vega-embed.min.js", headers={"if-none-match": script.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/static/vendor/vega.LICENSE").headers["content-type"].startswith("text/plain")
    assert client.get("/static/vendor/../app.py").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404


def test_no_cdn_anywhere_in_the_pages_or_the_app_script():
    client = TestClient(create_app())
    texts = [client.get(p).text for p in ("/", "/report/tickets_by_channel", "/dashboard/helpdesk_summary")]
    texts += [p.read_text() for p in (SERVE / "static").glob("*.js")]
    for text in texts:
        for url in re.findall(r'(?:src|href)="([^"]+)"', text):
            assert not url.startswith(("http:", "https:", "//")), url
