"""Writing into the workspace folder: a report spec under a checked name, a report added to a
workspace dashboard. Nothing is ever written outside the folder, nor over a built-in.

Names are `^[a-z0-9_][a-z0-9_-]{0,63}$` (no dot, no separator), and the resolved target must sit
directly in the folder (a symbolic link pointing out is refused). Files are written to a
temporary file beside the target and moved into place, so a reader never sees half a spec.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from ..workspace import builtin_names

NAME = re.compile(r"[a-z0-9_][a-z0-9_-]{0,63}")
WRITER_ROLES = ("admin", "editor")


class Refused(Exception):
    """The write is refused: answered with `status` and the message (which names no path)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def may_write(user) -> bool:
    """Without workspace users anyone who reaches the server may write; else the admin and editor roles."""
    return user is None or user.role in WRITER_ROLES


def target(workspace_file: Path | None, name: object) -> Path:
    """`NAME.yaml` beside the workspace file, once the name and the resolved path are checked."""
    if workspace_file is None:
        raise Refused(409, "the server runs without a workspace folder (start it with --workspace FILE)")
    if not isinstance(name, str) or NAME.fullmatch(name) is None:
        raise Refused(400, "name must match ^[a-z0-9_][a-z0-9_-]{0,63}$ (lower-case letters, digits, _ and -)")
    base = workspace_file.parent.resolve()
    path = (base / f"{name}.yaml").resolve()
    if path.parent != base or path == workspace_file.resolve():
        raise Refused(400, f"the name '{name}' cannot be used")
    return path


def _kind(path: Path) -> str | None:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "other"
    if isinstance(doc, dict):
        return "dashboard" if "reports" in doc else "report" if "source" in doc else "other"
    return "other"


def _write(path: Path, text: str, overwrite: bool) -> None:
    """Atomically: a temporary file in the folder, then moved (or hard-linked, which fails when the
    name was taken meanwhile) into place."""
    handle, temp = tempfile.mkstemp(prefix=".rb-save-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if overwrite:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise Refused(409, f"a report named '{path.stem}' exists; save with overwrite") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def save_report(workspace_file: Path | None, name: object, text: str, overwrite: bool) -> Path:
    """Write a (checked) spec as `NAME.yaml`; only a workspace report may be replaced, and only with `overwrite`."""
    path = target(workspace_file, name)
    if name in builtin_names("reports") or name in builtin_names("dashboards"):
        raise Refused(409, f"'{name}' is the name of a built-in; choose another name")
    if path.exists():
        if _kind(path) != "report":
            raise Refused(409, f"'{name}' is taken by a workspace file that is not a report")
        if not overwrite:
            raise Refused(409, f"a report named '{name}' exists; save with overwrite")
    _write(path, text if text.endswith("\n") else text + "\n", overwrite)
    return path


def add_to_dashboard(workspace_file: Path | None, dashboard: object, report: str) -> bool:
    """Append `report` (a built-in's name, or a workspace spec's file name) to the workspace dashboard (created when missing); False when already there.
    The file is rewritten from its parsed YAML, so its comments are not kept."""
    path = target(workspace_file, dashboard)
    if dashboard in builtin_names("dashboards") or dashboard in builtin_names("reports"):
        raise Refused(409, f"'{dashboard}' is the name of a built-in; choose another dashboard name")
    doc = {"title": str(dashboard).replace("_", " ").capitalize(), "reports": []}
    if path.exists():
        if _kind(path) != "dashboard":
            raise Refused(409, f"'{dashboard}' is taken by a workspace file that is not a dashboard")
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc.get("reports"), list):
            raise Refused(409, f"dashboard '{dashboard}' has no list of reports")
    if report in doc["reports"]:
        return False
    doc["reports"].append(report)
    _write(path, yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), True)
    return True
