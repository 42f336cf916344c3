"""Shared pytest options and fixtures.

`--update-goldens` rewrites golden files instead of comparing with them (review the diff).
`shared_dir` is ../shared next to this checkout (the contract, the acceptance sample data);
tests that need it are skipped when it is absent. `artifacts(name)` is the folder where a test
keeps what is to be looked at (PNGs, screenshots): $RB_TEST_ARTIFACTS/name, by default
test-artifacts/name in the checkout (git ignores it).

The result cache is on by default for `rb run` and `rb dashboard`, and compile products
(parsed catalog SQL, digests of valid specs) are kept too: the whole suite points both at
fresh temporary folders (RB_RESULT_CACHE_DIR, RB_COMPILE_CACHE_DIR, inherited by
subprocesses), so tests never read or fill a user's cache nor share one between sessions.
Commands run in their own processes (RB_DAEMON=0): only tests/resident start resident
processes, each in its own runtime folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["RB_RESULT_CACHE_DIR"] = tempfile.mkdtemp(prefix="rb-test-results-")
os.environ["RB_COMPILE_CACHE_DIR"] = tempfile.mkdtemp(prefix="rb-test-compiled-")
os.environ["RB_DAEMON"] = "0"

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


ARTIFACTS = Path(os.environ.get("RB_TEST_ARTIFACTS") or Path(__file__).resolve().parents[1] / "test-artifacts")


@pytest.fixture(scope="session")
def artifacts():
    """`artifacts(name)`: the (created) folder for the files a test keeps to be looked at."""
    def folder(name: str) -> Path:
        path = ARTIFACTS / name
        path.mkdir(parents=True, exist_ok=True)
        return path
    return folder


def pytest_unconfigure(config):
    for variable in ("RB_RESULT_CACHE_DIR", "RB_COMPILE_CACHE_DIR"):
        shutil.rmtree(os.environ[variable], ignore_errors=True)


@pytest.fixture
def resident():
    """A running resident process of its own (docs/resident.md): the environment for `rb`
    subprocesses that use it (RB_DAEMON=1, a fresh runtime folder), stopped afterwards."""
    import subprocess
    import sys

    folder = tempfile.mkdtemp(prefix="rbd-")  # short: a socket path holds at most 107 bytes
    env = {**os.environ, "RB_DAEMON": "1", "XDG_RUNTIME_DIR": folder}
    rb = str(Path(sys.executable).with_name("rb"))
    started = subprocess.run([rb, "daemon", "start"], env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stdout + started.stderr
    yield env
    subprocess.run([rb, "daemon", "stop"], env=env, capture_output=True, timeout=60)
    shutil.rmtree(folder, ignore_errors=True)
