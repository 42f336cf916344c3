"""The `rb` script: hand the command to this install's resident process, else run it here.

A command that no resident process took runs in this process (cli.main) and, on its way
out, starts one in the background for the commands that follow (docs/resident.md).
RB_DAEMON=0 turns both off. This module imports only what that decision needs.
"""
from __future__ import annotations

import sys


def main() -> None:
    from .resident import place

    if place.routed(sys.argv) and place.enabled():
        from .resident import client

        try:
            status = client.attach(sys.argv)
        except KeyboardInterrupt:  # Ctrl-C before the command's process was known: as click says it
            sys.stderr.write("Aborted!\n")
            sys.exit(1)
        if status is not None:
            sys.exit(status)
        import atexit

        from .resident.spawn import start_in_background

        atexit.register(start_in_background)
    from .cli import main as run_here

    run_here()
