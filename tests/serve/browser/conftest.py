"""A live `rb serve` and a real browser for the browser tests (reusable by any page's tests).

`live_server`: the app over a fresh workspace folder (`workspace_dir`, demo data), served by
uvicorn in a background thread on a free port of 127.0.0.1; its value is the base URL.
`page`: a new Chromium page (Debian's /usr/bin/chromium, driven by Playwright; no
`playwright install`); the tests skip, saying why, only when no chromium binary exists.
`shot(page, name)`: saves a screenshot under $RB_TEST_ARTIFACTS (default: test-artifacts/serve).
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("RB_TEST_ARTIFACTS") or Path(__file__).resolve().parents[3] / "test-artifacts") / "serve"
NOW = "2025-06-30T12:00:00"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def workspace_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser-ws")
    (folder / "rb.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def live_server(workspace_dir):
    import uvicorn

    from reportbuilder.serve import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(workspace_dir / "rb.yaml"), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")  # Playwright's sync API holds an asyncio loop on this thread: end it with the module
def browser():
    if CHROMIUM is None:
        pytest.skip("no chromium binary on PATH (apt-get install chromium): the browser tests need one")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(8000)
    errors = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture(scope="session")
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return save
