"""Where this install's resident process listens, and whether a command may use one.

One resident process per user and install. Its socket lies in a folder only the user may
enter: `$XDG_RUNTIME_DIR/reportbuilder`, else `/tmp/reportbuilder-<uid>`. Before every use
the folder must be the user's own real folder (not a link) that nobody else may read or
enter; otherwise no resident process is used and the command runs in its own process.

The socket's name comes from what decides which code runs (rb's folder and version, the
Python executable and environment (venv), PYTHONPATH). A name is only a name: the resident process compares these
`identity` parts with its own on every request, so a clash serves nothing wrong.

This module is read by every `rb` command before anything else: it imports nothing heavy.
"""
from __future__ import annotations

import os
import stat
import sys
import zlib

from .. import __version__

OFF_VALUES = ("0", "off", "no", "false")
# The commands a resident process serves (`serve` runs for hours and `daemon` manages it).
ROUTED = frozenset({"run", "sql", "validate", "explain", "rows", "insights", "dashboard", "list", "fields",
                    "import"})


def routed(argv: list[str]) -> bool:
    return len(argv) > 1 and argv[1] in ROUTED


def enabled() -> bool:
    """Whether this command may use (and start) a resident process: RB_DAEMON is not 0/off/no/false,
    and the system passes open files between processes as Linux does."""
    if os.environ.get("RB_DAEMON", "").strip().lower() in OFF_VALUES:
        return False
    import socket

    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


def identity() -> tuple[str, ...]:
    """What must be equal for a resident process to run this command as this process would."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return (__version__, package, os.path.realpath(sys.executable), sys.prefix, os.environ.get("PYTHONPATH", ""))


def runtime_folder() -> str:
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isabs(base):
        return os.path.join(base, "reportbuilder")
    return os.path.join("/tmp", f"reportbuilder-{os.getuid()}")


def private_folder(create: bool) -> str | None:
    """The runtime folder when it is safe to use (created, mode 0700, when `create`), else None."""
    folder = runtime_folder()
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def socket_path(folder: str) -> str:
    digest = zlib.crc32("\0".join(identity()).encode("utf-8", "surrogateescape"))
    return os.path.join(folder, f"rb-{digest:08x}.sock")
