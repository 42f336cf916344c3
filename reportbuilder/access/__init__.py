"""Users, roles and row- and column-level access (the workspace's `users:` and `access:`).

`policy` reads and checks them, `row_filter` compiles a role's filter into the SELECT of a
table's visible rows, `viewer` turns `--as EMAIL` into the restriction `run/load_data.py`
applies when it opens the data: below the compiler, so no spec can route around it.
"""
from .policy import Policy, User, read_policy
from .viewer import Restriction, Viewer, viewer_for

__all__ = ["Policy", "User", "read_policy", "Restriction", "Viewer", "viewer_for"]
