"""Whether the code a resident process imported is still the code on disk.

A snapshot stamps every file of rb's package (sources and the data files it reads: catalog,
schema, grammar) and the entry file of every top-level module imported (an upgraded library
replaces it). A resident process compares a fresh snapshot with its own before each command:
one changed, added or removed file and it serves no more.
"""
from __future__ import annotations

import os
import sys

from ..warm_cache import path_stamp


def snapshot(package: str) -> dict[str, list | None]:
    stamps: dict[str, list | None] = {}
    for root, folders, files in os.walk(package):
        folders[:] = [name for name in folders if name != "__pycache__"]
        for name in files:
            path = os.path.join(root, name)
            stamps[path] = path_stamp(path)
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if "." not in name and origin:
            stamps[origin] = path_stamp(origin)
    return stamps
