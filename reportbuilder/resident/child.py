"""The forked child of a resident process: become the client's command, run it, report its status.

The child takes the client's standard streams (dup'd onto 0, 1 and 2, with Python's text
layers rebuilt as the client's were: encoding, errors, buffering), its working folder,
environment (and so its time zone and locale), umask and arguments, restores Python's
default signal handling, and runs `cli.main` as the `rb` script would. Its output goes
straight to the client's terminal, pipe or file. A watcher thread ends the child when the
client goes away (killed, say), as a terminal's hangup would.
"""
from __future__ import annotations

import io
import locale
import os
import signal
import sys
import threading
import time


def become_client(request: dict, fds: list[int]) -> None:
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environb.clear()
    os.environb.update(request["env"])
    time.tzset()
    try:
        locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        pass
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    sys.argv = [os.fsdecode(arg) for arg in request["argv"]]
    sys.modules["__main__"].__package__ = request["main_package"]  # click names the program from it
    forms = request["streams"]
    sys.stdin = sys.__stdin__ = _text_stream(0, "r", forms[0])
    sys.stdout = sys.__stdout__ = _text_stream(1, "w", forms[1])
    sys.stderr = sys.__stderr__ = _text_stream(2, "w", forms[2])


def _text_stream(fd: int, mode: str, form: tuple | None):
    encoding, errors, line_buffering, write_through = form or ("utf-8", "strict", False, False)
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="\n",
                            line_buffering=line_buffering, write_through=write_through)


def hang_up_with(conn) -> None:
    """End this process, as a hangup would, when the client closes its side first."""
    def watch():
        try:
            while conn.recv(1):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGHUP)

    threading.Thread(target=watch, name="rb-client-watch", daemon=True).start()


def run_cli() -> int:
    """Run `rb` on sys.argv as the script does; the exit status Python would give."""
    from ..cli import main

    try:
        main()
    except SystemExit as exc:
        return _status(exc.code)
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        return 128 + signal.SIGINT
    except BaseException:  # noqa: BLE001 - reported as Python reports an uncaught exception
        sys.excepthook(*sys.exc_info())
        return 1
    return 0


def shut_down() -> None:
    """What the interpreter's own exit does that a command can see: wait for its threads, run its
    atexit functions, flush the standard streams. The rest (tearing down every module of a large
    warm process: a quarter of a second) is skipped: the child ends with os._exit, as
    multiprocessing's forked children do."""
    import atexit

    threading._shutdown()  # noqa: SLF001 - what Py_Finalize and multiprocessing call
    atexit._run_exitfuncs()  # noqa: SLF001
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
