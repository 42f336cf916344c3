"""A result as a rich table that fits the terminal (plain_table.py draws the plain case without rich).

Text is never wrapped: a text cell too long for its share of the width ends in an
ellipsis; numbers, times and headers are kept whole (a cut number reads as another
number). A one-row result too wide for the width (a KPI with `compare:` has a column per
measure, previous value and change) is shown transposed, one `field | value` line per
column. A wider result of several rows is folded: its other columns are split into
tables that each fit, the group columns repeated in each. Without a width (files, pipes)
the table is as wide as its content.
"""
from __future__ import annotations

import io

from reportbuilder.render.plain_table import plain_table
from reportbuilder.render.values import NUMERIC_TYPES

# Without a width the table never wraps (files, pipes); rich sizes it to its content.
NO_WRAP_WIDTH = 10_000
_BORDER = 3  # "│ " before a cell and the space after it
_SHORTEST_TEXT = 8  # a text column is cut to no fewer characters than this (ellipsis included)


def terminal_table(columns, rows, title: str, caption: str, color: bool, width: int | None,
                   keys: tuple[str, ...] = ()) -> str:
    """`columns` are ResultColumns, `rows` lists of display text (None for a null), fitted to
    `width`; `keys` (the group columns) are repeated in each part of a folded table."""
    if not color:  # the common case of a file or pipe, drawn as rich would draw it, without rich
        drawn = plain_table(columns, rows, title, caption, width or NO_WRAP_WIDTH)
        if drawn is not None:
            return drawn
    return rich_table(columns, rows, title, caption, color, width, keys)


def rich_table(columns, rows, title: str, caption: str, color: bool, width: int | None,
               keys: tuple[str, ...] = ()) -> str:
    """`terminal_table` drawn by rich: colors, cut text, folded and transposed tables."""
    from rich.console import Console  # imported for this format only: csv/json/... start faster

    console = Console(
        file=io.StringIO(),
        width=width or NO_WRAP_WIDTH,
        color_system="standard" if color else None,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        highlight=False,
    )
    natural = [_BORDER + max([len(c.name)] + [len(row[i] or "—") for row in rows]) for i, c in enumerate(columns)]
    shortest = [n if _whole(c) else min(n, _BORDER + _SHORTEST_TEXT) for c, n in zip(columns, natural)]
    if not width or sum(natural) + 1 <= width or (len(rows) > 1 and sum(shortest) + 1 <= width):
        parts = [list(range(len(columns)))]  # text cut to fit
    elif len(rows) == 1:
        console.print(_transposed(columns, rows[0], title, caption))
        return _text(console)
    else:
        parts = _folded(columns, natural, width, keys)
    for n, part in enumerate(parts):
        console.print(_wide([columns[i] for i in part], [[row[i] for i in part] for row in rows],
                            title if n == 0 else "", caption if n == len(parts) - 1 else "",
                            _text_widths([columns[i] for i in part], [natural[i] for i in part], width)))
    return _text(console)


def _text(console) -> str:
    return "".join(line.rstrip() + "\n" for line in console.file.getvalue().splitlines())


def _folded(columns, natural, width, keys) -> list[list[int]]:
    """Column indexes per part: the key columns, then as many others as fit (at least one)."""
    key_ids = [i for i, c in enumerate(columns) if c.name in keys]
    room = width - 1 - sum(min(natural[i], _BORDER + _SHORTEST_TEXT) for i in key_ids)
    parts, current, used = [], [], 0
    for i in (i for i in range(len(columns)) if i not in key_ids):
        if current and used + natural[i] > room:
            parts.append(current)
            current, used = [], 0
        current.append(i)
        used += natural[i]
    parts.append(current)
    return [key_ids + part for part in parts]


def _whole(column) -> bool:
    """Numbers and times are never cut."""
    return column.type in NUMERIC_TYPES or column.type in ("date", "timestamp")


def _text_widths(columns, natural, width) -> list[int | None]:
    """The widest each text column may be for the table to fit `width` (None: no limit): the
    widest text column is cut first, none below _SHORTEST_TEXT."""
    widths = [None if _whole(c) else n - _BORDER for c, n in zip(columns, natural)]
    excess = sum(natural) + 1 - (width or NO_WRAP_WIDTH)
    while excess > 0:
        widest = max(range(len(widths)), key=lambda i: widths[i] or 0)
        if (widths[widest] or 0) <= _SHORTEST_TEXT:
            break
        widths[widest] -= 1
        excess -= 1
    return widths


def _new_table(title: str, caption: str):
    from rich.table import Table
    from rich.text import Text

    return Table(title=Text(title) if title else None, caption=Text(caption) if caption else None,
                 caption_justify="left", header_style="bold")


def _cell(text: str | None):
    """Text cells, never markup strings: data such as "[b]" must show as typed."""
    from rich.text import Text

    return Text("—", style="dim") if text is None else Text(text)


def _wide(columns, rows, title, caption, text_widths):
    from rich.text import Text

    table = _new_table(title, caption)
    for index, column in enumerate(columns):
        whole = max([len(column.name)] + [len(row[index] or "—") for row in rows])
        if _whole(column):
            table.add_column(Text(column.name), justify="right" if column.type in NUMERIC_TYPES else "left",
                             no_wrap=True, min_width=whole)
        else:
            table.add_column(Text(column.name), no_wrap=True, overflow="ellipsis",
                             min_width=min(whole, _SHORTEST_TEXT), max_width=text_widths[index])
    for row in rows:
        table.add_row(*(_cell(text) for text in row))
    return table


def _transposed(columns, row, title, caption):
    table = _new_table(title, caption)
    table.add_column("field", no_wrap=True, overflow="ellipsis")
    table.add_column("value", no_wrap=True, overflow="ellipsis")
    for column, text in zip(columns, row):
        table.add_row(column.name, _cell(text))
    return table
