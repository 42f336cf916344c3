"""The data output formats, and how an output file's name picks one."""
from __future__ import annotations

from os import PathLike
from pathlib import PurePath

FORMATS = ("table", "csv", "json", "jsonl", "parquet", "md", "html")
CHART_FORMATS = ("png", "svg")  # drawn by render.chart_output; html there is the chart page

_BY_EXTENSION = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".md": "md",
    ".html": "html",
    ".txt": "table",
    ".png": "png",
    ".svg": "svg",
}


def format_from_path(path: str | PathLike) -> str:
    """The format an output file's extension names (case-insensitive).

    Raises ValueError, naming the known extensions, for any other extension.

    Example:
        >>> format_from_path("out/weekly.NDJSON")
        'jsonl'
    """
    extension = PurePath(path).suffix.lower()
    if extension not in _BY_EXTENSION:
        known = ", ".join(_BY_EXTENSION)
        found = f"extension {extension!r}" if extension else "no extension"
        raise ValueError(
            f"cannot tell the output format of {str(path)!r} ({found}); known extensions: {known}")
    return _BY_EXTENSION[extension]
