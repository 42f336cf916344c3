"""The resident process: imports and warms once, then forks one child per command.

Started in the background (`python -P -m reportbuilder.resident.server`) by a command that
found none, or by `rb daemon start`. It imports what commands need and compiles a built-in
report once (so a child's first compile pays no import and no catalog parse), then listens
on its socket (place.py). Per request it checks the peer is the same user, the client's
identity is its own and its code is still the code on disk (freshness.py), and forks: the
child becomes the client's command (child.py) and reports its pid and exit status. The
process itself creates no thread and opens no database, so forking it is safe.

It ends after RB_DAEMON_IDLE seconds without a command (default 1800; `rb daemon status` is not one), on `rb daemon stop`,
when its code changed on disk, or when its socket is removed or replaced. One runs per socket:
a second one started meanwhile finds the lock taken and leaves.
"""
from __future__ import annotations

import fcntl
import marshal
import os
import signal
import socket
import struct
import sys
import threading
import time

from . import child, freshness, place

DEFAULT_IDLE_SECONDS = 1800
REQUEST_SECONDS = 5
MAX_REQUEST_BYTES = 16 << 20


class _Server:
    """The listening parent: it answers control requests and forks a child per command."""

    def __init__(self, path: str, lock):
        self.path, self.lock = path, lock
        self.identity = place.identity()
        self.package = self.identity[1]
        self.started, self.served, self.last = time.time(), 0, time.time()
        self.children: set[int] = set()
        self.idle = _idle_seconds()
        self.stamps: dict = {}
        self.listener: socket.socket | None = None
        self.inode = None
        self.pid = os.getpid()

    def listen(self) -> None:
        staging = f"{self.path}.{os.getpid()}"
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(staging)
        os.chmod(staging, 0o600)
        self.listener.listen(64)
        os.replace(staging, self.path)
        self.inode = os.stat(self.path).st_ino
        self.listener.settimeout(1.0)

    def loop(self):
        """Serve until done (None), or, in a forked child, the (connection, request, files) to run."""
        while True:
            self._reap()
            if not self._socket_is_ours() or (not self.children and time.time() - self.last > self.idle):
                return None
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            outcome = self._answer(conn)
            if outcome == "stop":
                return None
            if outcome is not None:
                return outcome

    def _answer(self, conn: socket.socket):
        """One connection: None (answered, or refused by closing it), "stop", or, in the forked
        child, the (connection, request, files) it is to run."""
        fds: list[int] = []
        try:
            conn.settimeout(REQUEST_SECONDS)
            if not _same_user(conn):
                return None
            request, fds = _read_request(conn)
            control = request.get("control")
            if control is not None:
                return self._control(conn, control)
            if request.get("identity") != self.identity:
                conn.sendall(b"other\n")
                return None
            if freshness.snapshot(self.package) != self.stamps:
                conn.sendall(b"stale\n")
                return "stop"
            if len(fds) != 3:
                return None
            pid = os.fork()
            if pid == 0:
                conn.settimeout(None)
                self.listener.close()
                self.lock.close()
                return conn, request, fds
            self.children.add(pid)
            self.served += 1
            self.last = time.time()
            return None
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            return None
        finally:
            if os.getpid() == self.pid:
                for fd in fds:
                    os.close(fd)
                conn.close()

    def _control(self, conn, control: str):
        if control == "status":
            fresh = int(freshness.snapshot(self.package) == self.stamps)
            conn.sendall(f"status {os.getpid()} {self.started:.0f} {self.served} {len(self.children)} {fresh}\n"
                         .encode())
            return None
        if control == "stop":
            conn.sendall(b"stopping\n")
            return "stop"
        return None

    def _reap(self) -> None:
        while self.children:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.discard(pid)

    def _socket_is_ours(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
        if self._socket_is_ours():
            os.unlink(self.path)


def _same_user(conn: socket.socket) -> bool:
    raw = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", raw)
    return uid == os.getuid()


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    fds = list(fds)
    if len(data) < 4:
        raise ValueError("short request")
    size = struct.unpack("!I", data[:4])[0]
    if size > MAX_REQUEST_BYTES:
        raise ValueError("request too large")
    body = bytearray(data[4:])
    while len(body) < size:
        chunk = conn.recv(min(1 << 16, size - len(body)))
        if not chunk:
            raise ValueError("short request")
        body += chunk
    request = marshal.loads(bytes(body))
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request, fds


def _idle_seconds() -> float:
    try:
        return max(1.0, float(os.environ.get("RB_DAEMON_IDLE", DEFAULT_IDLE_SECONDS)))
    except ValueError:
        return DEFAULT_IDLE_SECONDS


# What commands import besides the compiler (which warm() runs): the engine, the table and
# data formats, charts, dashboards and insights (tests/resident checks each name imports).
WARM_MODULES = (
    "duckdb", "rich.console", "rich.table", "altair",
    "reportbuilder.run.execute", "reportbuilder.run.data_connection", "reportbuilder.run.load_data",
    "reportbuilder.run.result_cache", "reportbuilder.demo.cache", "reportbuilder.render.render_data",
    "reportbuilder.render.terminal_table", "reportbuilder.render.plain_table", "reportbuilder.render.chart_output",
    "reportbuilder.render.chart_vega", "reportbuilder.render.html_page", "reportbuilder.dashboard.run_dashboard",
    "reportbuilder.dashboard.dashboard_page", "reportbuilder.insights.analyze",
)


def warm() -> None:
    """Import what commands need and compile a built-in report once, without opening a database
    (the process must stay free of threads to fork safely)."""
    import importlib

    from .. import cli

    for name in WARM_MODULES:
        importlib.import_module(name)
    saved = os.environ.get("RB_NO_COMPILE_CACHE")
    os.environ["RB_NO_COMPILE_CACHE"] = "1"  # compile for real, and keep no entry for it
    try:
        cli.main(["sql", "tickets_created_over_time", "--now", "2026-01-01T00:00:00"], standalone_mode=False)
    finally:
        if saved is None:
            del os.environ["RB_NO_COMPILE_CACHE"]
        else:
            os.environ["RB_NO_COMPILE_CACHE"] = saved


def serve(path: str):
    """Run the resident process on `path` until it ends (None), or, in a forked child, the
    command to run."""
    lock = open(f"{path}.lock", "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return None
    os.utime(lock.name)
    server = _Server(path, lock)
    warm()
    if threading.active_count() != 1:
        raise RuntimeError("a thread was started while warming up: forking is not safe")
    server.stamps = freshness.snapshot(server.package)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        server.listen()
        job = server.loop()
    finally:
        if os.getpid() == server.pid:
            server.close()
            os.utime(lock.name, (0, 0))  # a clean end: the next command may start one at once (spawn.py)
            lock.close()
    return job


def main() -> None:
    os.chdir("/")
    folder = place.private_folder(create=True)
    if folder is None:
        sys.exit(0)
    job = serve(place.socket_path(folder))
    if job is None:
        sys.exit(0)
    conn, request, fds = job
    try:
        child.become_client(request, fds)
    except BaseException:  # noqa: BLE001 - e.g. the caller's folder is gone: nothing ran, the caller runs it
        os._exit(70)
    conn.sendall(b"pid %d\n" % os.getpid())
    child.hang_up_with(conn)
    code = child.run_cli()
    child.shut_down()
    conn.sendall(b"exit %d\n" % code)
    os._exit(code)


if __name__ == "__main__":
    main()
