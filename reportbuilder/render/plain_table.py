"""The terminal table without rich, for the case every `rb run` to a file or pipe prints.

Importing rich and laying a table out with it cost more than a DuckDB query on the demo
data. Without color, a table that fits its width as it is (nothing cut, folded or
transposed) with plain text (no wide, combining or control characters, no outer spaces; a title and caption
of single-spaced words no longer than the table is wide) is drawn here, character for
character as rich draws it (tests/render/test_plain_table.py compares the two); anything
else returns None and rich draws it (terminal_table.py).
"""
from __future__ import annotations

from reportbuilder.render.values import NUMERIC_TYPES

NULL = "—"
_SIMPLE = frozenset(NULL)  # besides printable characters below U+0300 (no combining marks)


def plain_table(columns, rows, title: str, caption: str, width: int) -> str | None:
    """The table of `columns` and `rows` (display text, None for a null) as rich prints it
    without color in `width` columns; None when this is not a case drawn here."""
    texts = [c.name for c in columns] + [t for row in rows for t in row if t is not None]
    if not columns or not rows or not all(_simple(t) for t in texts + [title, caption]):
        return None
    widths = [max([len(c.name)] + [len(row[i] or NULL) for row in rows]) for i, c in enumerate(columns)]
    inner = sum(w + 3 for w in widths) + 1
    right = [c.type in NUMERIC_TYPES for c in columns]
    title_lines, caption_lines = _wrapped(title, inner), _wrapped(caption, inner)
    if inner > width or title_lines is None or caption_lines is None:
        return None
    lines = [(" " * ((inner - len(line)) // 2) + line) for line in title_lines]
    lines.append(_rule("┏", "━", "┳", "┓", widths))
    lines.append(_line("┃", [c.name for c in columns], widths, right))
    lines.append(_rule("┡", "━", "╇", "┩", widths))
    lines += [_line("│", [t if t is not None else NULL for t in row], widths, right) for row in rows]
    lines.append(_rule("└", "─", "┴", "┘", widths))
    lines += caption_lines
    return "".join(line.rstrip() + "\n" for line in lines)


def _simple(text: str) -> bool:
    """Text of one cell per character, which rich justifies as is (it strips outer spaces)."""
    return text == text.strip(" ") and all((ord(ch) < 0x300 and ch.isprintable()) or ch in _SIMPLE for ch in text)


def _wrapped(text: str, width: int) -> list[str] | None:
    """`text` broken greedily at single spaces into lines of at most `width`, as rich wraps a
    title or caption; None for text it might wrap otherwise (runs of spaces, a longer word)."""
    if not text:
        return []
    words = text.split(" ")
    if any(not w or len(w) > width for w in words):
        return None
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _rule(left: str, fill: str, cross: str, end: str, widths) -> str:
    return left + cross.join(fill * (w + 2) for w in widths) + end


def _line(edge: str, cells, widths, right) -> str:
    return edge + edge.join(" " + (c.rjust(w) if r else c.ljust(w)) + " "
                            for c, w, r in zip(cells, widths, right)) + edge
