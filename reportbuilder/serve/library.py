"""The reports and dashboards the app serves: the built-ins, and the YAML files beside the
workspace file (a mapping with `source` is a report, one with `reports` a dashboard).

A workspace file named like a built-in is served under that name instead of the built-in.
Names come only from this listing, so no request can name a path.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..workspace import builtin_names, builtin_path


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "report" or "dashboard"
    title: str
    path: Path
    label: str  # how errors name the file: never a full path
    builtin: bool


def _title(path: Path) -> tuple[str | None, dict | None]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None, None
    return (str(doc.get("title") or ""), doc) if isinstance(doc, dict) else (None, None)


def entries(workspace_path: Path | None) -> dict[tuple[str, str], Entry]:
    """{(kind, name): entry}, read afresh (a spec saved since the last request is listed)."""
    found = {}
    for kind, folder in (("report", "reports"), ("dashboard", "dashboards")):
        for name in builtin_names(folder):
            path = builtin_path(name, folder)
            found[(kind, name)] = Entry(name, kind, _title(path)[0] or "", path, f"{name}.yaml", True)
    if workspace_path is not None:
        for path in sorted(workspace_path.parent.glob("*.yaml")):
            if path.resolve() == workspace_path.resolve():
                continue
            title, doc = _title(path)
            kind = "dashboard" if doc and "reports" in doc else "report" if doc and "source" in doc else None
            if kind:
                found[(kind, path.stem)] = Entry(path.stem, kind, title or "", path, path.name, False)
    return found
