"""Where a spec and its workspace file are: names and paths only, nothing parsed.

Light on purpose (no YAML, no catalog): the warm path of `rb run`/`rb sql`/`rb validate`
(warm_cache.py) finds its inputs with these before deciding whether anything must be loaded.
"""
from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from .errors import Diagnostic, Span, SpecError

WORKSPACE_FILE = "rb.yaml"
MAX_SPEC_BYTES = 1_000_000


def read_limited(path: Path) -> bytes:
    """At most one byte more than a spec may have: enough to tell that it is too large."""
    with path.open("rb") as handle:
        return handle.read(MAX_SPEC_BYTES + 1)


def find_workspace(spec: str | None) -> Path | None:
    """The rb.yaml nearest the spec file `spec`: in its folder, else the first in a parent folder,
    never above the user's home (when the spec is under it) nor the filesystem root; then
    ./rb.yaml. None when there is none (a built-in name is looked up in ./ only)."""
    if spec and Path(spec).is_file():
        folder = Path(spec).resolve().parent
        home = Path.home().resolve()
        for candidate in (folder, *folder.parents):
            if (candidate / WORKSPACE_FILE).is_file():
                return candidate / WORKSPACE_FILE
            if candidate == home:
                break
    return Path(WORKSPACE_FILE) if Path(WORKSPACE_FILE).is_file() else None


def builtin_names(kind: str = "reports") -> list[str]:
    folder = resources.files("reportbuilder.specs")
    if kind == "dashboards":
        folder = folder.joinpath("dashboards")
    if not folder.is_dir():
        return []
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_path(name: str, kind: str = "reports") -> Path:
    folder = resources.files("reportbuilder.specs")
    if kind == "dashboards":
        folder = folder.joinpath("dashboards")
    return Path(str(folder.joinpath(f"{name}.yaml")))


def is_dashboard(text: str) -> bool:
    """A built-in dashboard's name, or a file with a top-level `reports:` key and no `source:`
    (read line by line, not parsed: a broken or hostile file is then checked as a report,
    whose checks say what is wrong with it)."""
    path = Path(text)
    if not path.is_file():
        return text in builtin_names("dashboards") and text not in builtin_names()
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            keys = {line.split(":", 1)[0].strip() for line in file.read(1 << 20).splitlines()
                    if line[:1].isalpha() and ":" in line}
    except OSError:
        return False
    return "reports" in keys and "source" not in keys


def find_spec(text: str) -> Path:
    """A spec argument: an existing file, or the name of a built-in report."""
    path = Path(text)
    if path.is_file():
        return path
    if text in builtin_names():
        return builtin_path(text)
    close = difflib.get_close_matches(text, builtin_names(), n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else " (see `rb list`)"
    raise SpecError((Diagnostic("spec-not-found", f"no spec file or built-in report named '{text}'{hint}",
                                Span(text, 1, 1)),))
