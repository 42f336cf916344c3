"""Starting this install's resident process in the background."""
from __future__ import annotations

import os
import sys
import time

from . import place

RETRY_SECONDS = 30


def start_in_background(wait_seconds: float = 0.0) -> str | None:
    """Start a resident process unless one started in the last RETRY_SECONDS and has not ended
    cleanly (it is warming up, running, or failed: the commands meanwhile run in their own
    processes). Its socket path, or None when none may be used here. With `wait_seconds`, start
    one in any case and wait that long for it to listen."""
    folder = place.private_folder(create=True)
    if folder is None:
        return None
    path = place.socket_path(folder)
    try:
        recent = time.time() - os.stat(f"{path}.lock").st_mtime < RETRY_SECONDS
    except OSError:
        recent = False
    if not recent or wait_seconds:
        import subprocess

        try:
            with open(f"{path}.log", "wb") as log:
                subprocess.Popen([sys.executable, "-P", "-m", "reportbuilder.resident.server"], cwd="/",
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                 start_new_session=True, close_fds=True)
        except OSError:
            return None
    deadline = time.monotonic() + wait_seconds
    while wait_seconds and not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return path
