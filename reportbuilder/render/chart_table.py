"""A report whose chart is a table, drawn (`rb run -o x.png` / `.svg`, the dashboard PNG).

Each column is as wide as its longest text (header or cell), so headers never overlap;
a header sits over its cells with their alignment: text left, numbers right. The first
TABLE_ROWS rows are drawn, then a note of how many more the data has. (HTML pages show
the table as HTML instead: render/chart_output.py `data_table`.)
"""
from __future__ import annotations

from itertools import accumulate

import altair as alt

from reportbuilder.render.chart_dict import inline_data
from reportbuilder.render.values import NUMERIC_TYPES

TABLE_ROWS = 25
CHAR_PX, PAD_PX, ROW_PX = 7.2, 24, 22  # about one character of 12 px text; space between columns


def table_chart(result, data, width: int) -> alt.LayerChart:
    """The table of `result` (display text from `data`, chart_data.py) at least `width` wide."""
    shown = data.records[:TABLE_ROWS]
    columns = list(result.names)
    texts = {c: [str(r[data[c].label_key] or "") for r in shown] for c in columns}
    widths = [CHAR_PX * max([len(c)] + [len(t) for t in texts[c]]) + PAD_PX for c in columns]
    total = max(float(width), sum(widths))
    cells = {("left", "normal"): [], ("right", "normal"): [], ("left", "bold"): [], ("right", "bold"): []}
    for column, start, size in zip(result.columns, accumulate([0.0] + widths[:-1]), widths):
        right = column.type in NUMERIC_TYPES
        x = start + size - PAD_PX / 2 if right else start + PAD_PX / 2
        align = "right" if right else "left"
        cells[(align, "bold")].append({"row": 0, "x": x, "text": column.name})
        cells[(align, "normal")] += [{"row": n + 1, "x": x, "text": t} for n, t in enumerate(texts[column.name])]
    rows = alt.Y("row:O", axis=None, scale=alt.Scale(domain=list(range(len(shown) + 1))))
    place = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, total], nice=False, zero=True))
    layers = [alt.Chart(inline_data(values)).mark_text(align=align, baseline="middle", fontSize=12,
                                                           fontWeight=weight, color="#1f2328")
              .encode(x=place, y=rows, text="text:N")
              for (align, weight), values in cells.items() if values]
    rule = alt.Chart(inline_data([{"y": ROW_PX}])).mark_rule(color="#d0d7de").encode(
        y=alt.Y("y:Q", axis=None, scale=None))  # under the headers
    props = dict(width=round(total), height=ROW_PX * (len(shown) + 1))
    more = len(data.records) - len(shown)
    if more > 0:
        props["title"] = alt.TitleParams(f"{more} more rows not shown", orient="bottom", fontSize=11,
                                         color="#656d76", fontWeight="normal")
    return alt.layer(*layers, rule).properties(**props)
