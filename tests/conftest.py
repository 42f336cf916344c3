"""Shared pytest options and fixtures.

`--update-goldens` rewrites golden files instead of comparing with them (review the diff).
`shared_dir` is ../shared next to this checkout (the contract, the acceptance sample data);
tests that need it are skipped when it is absent.

The result cache is on by default for `rb run` and `rb dashboard`: the whole suite points
it at a fresh temporary folder (RB_RESULT_CACHE_DIR, inherited by subprocesses), so tests
never read or fill a user's cache nor share one between test sessions.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["RB_RESULT_CACHE_DIR"] = tempfile.mkdtemp(prefix="rb-test-results-")

SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite golden files (e.g. tests/golden/sql) from the current output.")


@pytest.fixture
def update_goldens(request) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder next to the checkout (../shared); skips the test when it is missing."""
    path = SHARED_DIR.resolve()
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the shared contract and acceptance data sit next to the checkout")
    return path


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["RB_RESULT_CACHE_DIR"], ignore_errors=True)
