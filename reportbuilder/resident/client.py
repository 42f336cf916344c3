"""A command's side of the resident process: hand it the command, relay signals, take its status.

The client sends its standard streams (as open files), arguments, working folder,
environment and umask; the resident process forks a child that runs the command on those
very streams and answers with lines: `pid N` when the command starts, `exit N` when it is
done; the connection closes when the child has fully exited. Any other first answer
(`stale`, `other`) or any trouble before `pid` means nothing has run: the caller runs the
command in its own process.
"""
from __future__ import annotations

import marshal
import os
import signal
import socket
import struct
import sys

from . import place

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def connect(path: str) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        return None
    return conn


def send(conn: socket.socket, message: dict, fds: list[int]) -> None:
    """One request: its length, then marshal's bytes; the open files ride on the first part."""
    body = marshal.dumps(message)
    data = struct.pack("!I", len(body)) + body
    sent = socket.send_fds(conn, [data], fds)
    if sent < len(data):  # (an empty send after the answer came and the peer closed fails)
        conn.sendall(data[sent:])


class Replies:
    """The resident process's answer lines."""

    def __init__(self, conn: socket.socket):
        self.conn, self.pending = conn, b""

    def line(self) -> bytes:
        """The next line without its newline; b"" when the connection closed first."""
        while b"\n" not in self.pending:
            chunk = self.conn.recv(4096)
            if not chunk:
                return b""
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line


def attach(argv: list[str]) -> int | None:
    """Run `rb ARGV` in this install's resident process and return its exit status; None when no
    resident process takes it (nothing of the command has run then)."""
    if not place.routed(argv) or not place.enabled():
        return None
    folder = place.private_folder(create=False)
    conn = connect(place.socket_path(folder)) if folder else None
    if conn is None:
        return None
    with conn:
        try:
            send(conn, _request(argv), [0, 1, 2])
            replies = Replies(conn)
            first = replies.line()
        except OSError:
            return None
        if not first.startswith(b"pid "):
            return None
        return _wait(replies, int(first[4:]))


def _request(argv: list[str]) -> dict:
    mask = os.umask(0o022)
    os.umask(mask)
    return {"identity": place.identity(), "argv": [os.fsencode(arg) for arg in argv], "cwd": os.getcwdb(),
            "env": dict(os.environb), "umask": mask,
            "main_package": getattr(sys.modules.get("__main__"), "__package__", None),
            "streams": [_stream_form(s) for s in (sys.stdin, sys.stdout, sys.stderr)]}


def _stream_form(stream) -> tuple | None:
    """How Python set up this standard stream (the child builds its own the same way)."""
    if stream is None or not hasattr(stream, "line_buffering"):
        return None
    return (stream.encoding, stream.errors, stream.line_buffering, stream.write_through)


def _wait(replies: Replies, pid: int) -> int:
    """Relay signals to the command's process until it has exited; its exit status."""
    received: list[int] = []

    def relay(signum, _frame):
        received.append(signum)
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    previous = {signum: signal.signal(signum, relay) for signum in FORWARDED}
    try:
        status = None
        while True:
            line = replies.line()
            if not line:
                break
            if line.startswith(b"exit "):
                status = int(line[5:])
    except OSError:
        status = None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if status is not None:
        return status
    if received:  # the command died of a relayed signal: so does this process
        signal.signal(received[-1], signal.SIG_DFL)
        os.kill(os.getpid(), received[-1])
    sys.stderr.write("rb: error: the resident rb process ended this command without an exit status "
                     "(RB_DAEMON=0 runs commands in their own process)\n")
    return 1
