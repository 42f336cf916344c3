"""`rb daemon status|start|stop`: ask this install's resident process how it is, start or stop it."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

from . import client, place
from .spawn import start_in_background

START_SECONDS = 60
STOP_SECONDS = 10


@dataclass(frozen=True)
class Running:
    pid: int
    since: float
    served: int
    busy: int
    fresh: bool  # False: rb or a library changed on disk since it started (the next command replaces it)
    socket: str


def state() -> Running | None:
    """The running resident process of this install, or None."""
    folder = place.private_folder(create=False)
    if folder is None:
        return None
    path = place.socket_path(folder)
    answer = _ask(path, "status")
    if not answer.startswith(b"status "):
        return None
    pid, since, served, busy, fresh = answer.split()[1:]
    return Running(int(pid), float(since), int(served), int(busy), fresh == b"1", path)


def start() -> Running | None:
    """The resident process, started first when none runs (waiting until it listens)."""
    running = state()
    if running is not None:
        return running
    if start_in_background(wait_seconds=START_SECONDS) is None:
        return None
    return state()


def stop() -> Running | None:
    """Stop the resident process (waiting for it to leave); the one that was running, or None."""
    running = state()
    if running is None:
        return None
    _ask(running.socket, "stop")
    deadline = time.monotonic() + STOP_SECONDS
    while os.path.exists(running.socket) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


def _ask(path: str, word: str) -> bytes:
    conn = client.connect(path)
    if conn is None:
        return b""
    with conn:
        try:
            client.send(conn, {"control": word}, [])
            return client.Replies(conn).line()
        except OSError:
            return b""
