"""Where a run gets its settings: the workspace file, environment, built-in specs and data.

Precedence: command-line option, then environment (`RB_DATA`, `RB_NOW`), then the workspace
file (`--workspace`, else the `rb.yaml` next to the spec or in a folder above it, else
./rb.yaml: see `find_workspace`), then the built-in defaults
(the demo dataset, the wall clock, UTC).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog.load_catalog import CatalogError, load_catalog, read_workspace
from .catalog.model import Catalog
from .errors import Diagnostic, Span, SpecError
from .locate import (WORKSPACE_FILE, builtin_names, builtin_path, find_spec,  # noqa: F401 - re-exported
                     find_workspace, is_dashboard)

if TYPE_CHECKING:
    from .access.policy import Policy

DEMO_NOON = timedelta(hours=12)


@dataclass(frozen=True)
class Workspace:
    catalog: Catalog
    settings: dict
    path: Path | None = None
    access: Policy | None = None  # users and what each role may see (access/)


def open_workspace(path: Path | None = None, spec: str | None = None) -> Workspace:
    """The workspace at `path` (--workspace), else the one `find_workspace(spec)` finds, else the
    shipped catalog alone."""
    if path is None:
        path = find_workspace(spec)
    if path is None:
        return Workspace(load_catalog(), {})
    from .access.policy import read_policy  # users and calendars: only a workspace file has them
    from .calendars.read import read_business_hours

    try:
        business = read_business_hours(path)  # first: its errors carry the line
        settings = read_workspace(path)
        catalog = load_catalog(settings, business)
        return Workspace(catalog, settings, path, read_policy(path, catalog))
    except (CatalogError, OSError, ValueError, KeyError, TypeError) as exc:
        raise SpecError((Diagnostic("bad-workspace", f"invalid workspace: {exc}", Span(str(path), 1, 1)),)) from None


def parse_now(text: str, label: str) -> datetime:
    """An ISO timestamp (or date) -> naive UTC; a value without offset is UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SpecError((Diagnostic("bad-now", f"{label}: '{text}' is not an ISO timestamp such as "
                                    "2025-06-30T12:00:00", Span(label, 1, 1)),)) from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def resolve_data(option: str | None, workspace: Workspace) -> tuple[Path, datetime | None]:
    """The data path, and the `now` the demo data pins when it is used."""
    pinned = demo_now(option, workspace)
    if pinned is None:
        return Path(option or os.environ.get("RB_DATA") or workspace.settings.get("data")), None
    from .demo.cache import demo_dataset_dir

    return demo_dataset_dir(pinned.date()), pinned


def demo_now(option: str | None, workspace: Workspace) -> datetime | None:
    """The `now` the demo data pins when a run would use it (as `resolve_data` says), without
    building the data: `rb sql` and `rb explain` print what `rb run` runs."""
    if option or os.environ.get("RB_DATA") or workspace.settings.get("data"):
        return None
    anchor = datetime.now(timezone.utc).date()
    return datetime(anchor.year, anchor.month, anchor.day) + DEMO_NOON


def resolve_now(option: str | None, workspace: Workspace, demo_now: datetime | None) -> datetime | None:
    if option:
        return parse_now(option, "--now")
    if os.environ.get("RB_NOW"):
        return parse_now(os.environ["RB_NOW"], "RB_NOW")
    if workspace.settings.get("now") is not None:
        return parse_now(str(workspace.settings["now"]), "workspace now")
    return demo_now
