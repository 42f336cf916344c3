"""Each request's query runs in a worker thread with a time limit, and stops when the client goes.

The event loop stays free (so requests are served side by side); on the limit or a
disconnect the DuckDB connection is interrupted, which ends the query in the thread.
"""
from __future__ import annotations

import threading
import time
from typing import Awaitable, Callable

import anyio

POLL_S = 0.05


class Stopped(Exception):
    """The query was stopped: `reason` is "time" (the limit) or "gone" (the client left)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class QueryGuard:
    """Handed to the work as `on_open`: remembers the open connection so another thread can interrupt it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._connection = None
        self.reason: str | None = None

    def __call__(self, connection) -> None:
        with self._lock:
            self._connection = connection
            reason = self.reason
        if reason:  # stopped before the data was open: do not start the query
            raise Stopped(reason)

    def stop(self, reason: str) -> None:
        with self._lock:
            if self.reason:
                return
            self.reason = reason
            connection = self._connection
        if connection is not None:
            connection.interrupt()


async def run_guarded(work: Callable, limit_s: float, disconnected: Callable[[], Awaitable[bool]]):
    """`work(on_open)` in a thread; raises Stopped when it ran past `limit_s` or the client left."""
    guard = QueryGuard()
    done = threading.Event()

    async def watch():
        start = time.monotonic()
        while not done.is_set():
            await anyio.sleep(POLL_S)
            if time.monotonic() - start > limit_s:
                guard.stop("time")
            elif await disconnected():
                guard.stop("gone")

    def in_thread():
        try:
            return work(guard)
        finally:
            done.set()

    outcome = {}
    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        try:
            outcome["value"] = await anyio.to_thread.run_sync(in_thread)
        except Exception as exc:  # noqa: BLE001 - handed on below, after the watcher ends
            outcome["error"] = exc
        group.cancel_scope.cancel()
    if guard.reason:
        raise Stopped(guard.reason)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
