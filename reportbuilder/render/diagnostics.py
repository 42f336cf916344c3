"""Diagnostics as text: `FILE:LINE:COL: error: MESSAGE`, the source line and a caret."""
from __future__ import annotations

from ..errors import Diagnostic


def format_diagnostic(d: Diagnostic, sources: dict[str, str]) -> str:
    if d.span is None:
        return f"error: {d.message}"
    head = f"{d.span.file}:{d.span.line}:{d.span.column}: error: {d.message}"
    text = sources.get(d.span.file)
    if text is None:
        return head
    lines = text.splitlines()
    if not 1 <= d.span.line <= len(lines):
        return head
    line = lines[d.span.line - 1].replace("\t", " ")
    caret = " " * (max(d.span.column, 1) - 1) + "^"
    return f"{head}\n  {line}\n  {caret}"


MAX_SHOWN = 100


def format_diagnostics(diagnostics, sources: dict[str, str]) -> str:
    """Every problem once (the same message at the same place is one problem), up to MAX_SHOWN of
    them (then a count of the rest)."""
    diagnostics = list({(d.span, d.message): d for d in diagnostics}.values())
    shown = [format_diagnostic(d, sources) for d in diagnostics[:MAX_SHOWN]]
    if len(diagnostics) > MAX_SHOWN:
        shown.append(f"... and {len(diagnostics) - MAX_SHOWN} more problems")
    return "\n".join(shown)
