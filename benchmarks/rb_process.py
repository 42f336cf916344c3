"""How the benchmarks start rb: its command line, alone or through a resident process of their own.

Every timed `rb` child says which way it runs: ALONE (RB_DAEMON=0: the command in its own
process, as before the resident process existed) or, inside `resident_process`, through a
resident process started for the benchmark in a fresh runtime folder and stopped after it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ALONE = {"RB_DAEMON": "0"}


def rb_command() -> list[str]:
    """The rb next to this Python (its `rb` script, else `python -m reportbuilder`)."""
    script = Path(sys.executable).with_name("rb")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "reportbuilder"]


@contextmanager
def resident_process(rb: list[str]):
    """Start one (and wait until it listens); yield the variables a child needs to use it."""
    folder = tempfile.mkdtemp(prefix="rbd-")
    using = {"RB_DAEMON": "1", "XDG_RUNTIME_DIR": folder}
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **using}
    subprocess.run([*rb, "daemon", "start"], env=env, check=True, capture_output=True)
    try:
        yield using
    finally:
        subprocess.run([*rb, "daemon", "stop"], env=env, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
