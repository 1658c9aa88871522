"""The portal's pictures as inline SVG, drawn on the server (no script): stacked bars,
horizontal bars, a sparkline and an area chart. Each is a pure function from labels
and numbers to markup: an ``<svg role="img">`` with a ``<title>`` and ``<desc>``, and
the same numbers as a table (in ``<details>``, or only for screen readers)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from pds.i18n import gettext, ngettext
from pds.schemas.currencies import minor_units
from pds.web.chart_svg import (
    ACCENT,
    AREA,
    AXIS,
    GRID,
    Number,
    ValueText,
    coord,
    count_text,
    element,
    figure,
    fill_of,
    nice_ceiling,
    patterns,
    short,
    svg,
    table,
    text,
    tick_text,
)

WIDTH = 640
LEFT, RIGHT, TOP = 56, 8, 10  # plot margins
LEGEND_COLUMNS, LEGEND_ROW = 3, 20


def money_text(currency: str) -> ValueText:
    """Formats amounts in ``currency`` with its minor units: ``1,234.50 EUR``."""
    places = minor_units(currency)
    return lambda amount: f"{Decimal(amount):,.{places}f} {currency}"


def stacked_bars(
    chart_id: str,
    title: str,
    columns: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    value_text: ValueText = count_text,
    ticks: Sequence[str] | None = None,
    caption: str = "",
) -> Markup:
    """One bar per column, stacked from the series (name, a value per column), with a
    legend; ``ticks`` are short column labels for the axis (default: ``columns``)."""
    totals = [sum((values[i] for _, values in series), Decimal(0)) for i in range(len(columns))]
    plot_h, bottom = 180, 24
    legend_rows = -(-len(series) // LEGEND_COLUMNS)
    height = TOP + plot_h + bottom + legend_rows * LEGEND_ROW
    top_value = nice_ceiling(float(max(totals, default=0)))
    slot = (WIDTH - LEFT - RIGHT) / max(len(columns), 1)
    body = [patterns(chart_id, len(series)), _grid(top_value, plot_h)]
    for i, column in enumerate(columns):
        base: float = TOP + plot_h
        for s, (name, values) in enumerate(series):
            bar_h = float(values[i]) / top_value * plot_h
            if bar_h <= 0:
                continue
            base -= bar_h
            tip = element("title", _esc(f"{name}, {column}: {value_text(values[i])}"))
            body.append(
                element(
                    "rect",
                    tip,
                    x=coord(LEFT + i * slot + slot * 0.15),
                    y=coord(base),
                    width=coord(slot * 0.7),
                    height=coord(bar_h),
                    fill=fill_of(chart_id, s),
                    stroke="#fff",
                    stroke__width=1,
                )
            )
        label = (ticks or columns)[i]
        every = 1 if len(columns) <= 12 else 3
        if i % every == 0 or i == len(columns) - 1:
            body.append(text(LEFT + (i + 0.5) * slot, TOP + plot_h + 16, label, anchor="middle"))
    body.append(_legend(chart_id, [name for name, _ in series], TOP + plot_h + bottom))
    desc = _stack_desc(columns, totals, value_text, caption)
    rows = [
        [column, *(value_text(values[i]) for _, values in series), value_text(totals[i])]
        for i, column in enumerate(columns)
    ]
    heads = [gettext("Month"), *(n for n, _ in series), gettext("Total")]
    numbers = table(title, heads, rows, hidden=False)
    picture = svg(chart_id, WIDTH, height, title, desc, "".join(body))
    return figure(chart_id, "stacked", picture, caption, numbers)


def horizontal_bars(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Number]],
    *,
    value_text: ValueText = count_text,
    caption: str = "",
) -> Markup:
    """One bar per row (label, value), biggest as given first, the value at its end."""
    row_h, label_w, value_w = 26, 180, 120
    height = TOP * 2 + row_h * len(rows)
    top_value = float(max((v for _, v in rows), default=0)) or 1.0
    span = WIDTH - label_w - value_w
    body = []
    for i, (label, value) in enumerate(rows):
        y = TOP + i * row_h
        bar_w = float(value) / top_value * span
        tip = element("title", _esc(f"{label}: {value_text(value)}"))
        body.append(text(label_w - 8, y + 17, short(label, 26), anchor="end"))
        body.append(
            element(
                "rect", tip, x=label_w, y=y + 4, width=coord(bar_w), height=row_h - 8, fill=ACCENT
            )
        )
        body.append(text(label_w + bar_w + 6, y + 17, value_text(value)))
    desc = "; ".join(f"{label}: {value_text(value)}" for label, value in rows) or gettext(
        "No data."
    )
    numbers = table(
        title,
        [gettext("Name"), gettext("Amount")],
        [[lb, value_text(v)] for lb, v in rows],
        hidden=False,
    )
    picture = svg(chart_id, WIDTH, height, title, desc, "".join(body))
    return figure(chart_id, "hbars", picture, caption, numbers)


def sparkline(chart_id: str, title: str, columns: Sequence[str], values: Sequence[int]) -> Markup:
    """A small line of ``values`` over ``columns`` (oldest first), for a list row or record;
    its numbers are a table only screen readers see."""
    width, height, pad = 120, 28, 3
    top_value = max(values, default=0) or 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        (pad + i * step, height - pad - v / top_value * (height - 2 * pad))
        for i, v in enumerate(values)
    ]
    line = " ".join(f"{coord(x)},{coord(y)}" for x, y in points)
    body = element("polyline", points=line, fill="none", stroke=ACCENT, stroke__width=1.5)
    if points:
        x, y = points[-1]
        body += element("circle", cx=coord(x), cy=coord(y), r=2.5, fill=ACCENT)
    total = sum(values)
    if total:
        busiest = max(range(len(values)), key=lambda i: (values[i], i))
        desc = ngettext(
            "%(total)s in %(num)d month; at most %(most)s in %(busiest)s; %(last)s in %(month)s.",
            "%(total)s in %(num)d months; at most %(most)s in %(busiest)s; %(last)s in %(month)s.",
            len(values),
            total=total,
            most=values[busiest],
            busiest=columns[busiest],
            last=values[-1],
            month=columns[-1],
        )
    else:
        desc = ngettext("None in %(num)d month.", "None in %(num)d months.", len(values))
    rows = [[column, count_text(value)] for column, value in zip(columns, values, strict=True)]
    heads = [gettext("Month"), gettext("Count")]
    numbers = table(title, heads, rows, hidden=True) if total else ""
    picture = svg(chart_id, width, height, f"{title}: {desc}", desc, body)
    return figure(chart_id, "spark", picture, "", numbers)


def area_chart(
    chart_id: str,
    title: str,
    points: Sequence[tuple[str, Number]],
    *,
    value_text: ValueText = count_text,
    caption: str = "",
) -> Markup:
    """A line over a filled area of ``points`` (label, value), oldest first; the first,
    middle and last labels go on the axis."""
    plot_h, bottom = 150, 24
    height = TOP + plot_h + bottom
    top_value = nice_ceiling(float(max((v for _, v in points), default=0)))
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    xy = [
        (LEFT + i * step, TOP + plot_h - float(v) / top_value * plot_h)
        for i, (_, v) in enumerate(points)
    ]
    line = " ".join(f"{coord(x)},{coord(y)}" for x, y in xy)
    base = TOP + plot_h
    body = [_grid(top_value, plot_h, plot_bottom=base)]
    if xy:
        area = f"{coord(xy[0][0])},{coord(base)} {line} {coord(xy[-1][0])},{coord(base)}"
        body.append(element("polygon", points=area, fill=AREA))
        body.append(element("polyline", points=line, fill="none", stroke=ACCENT, stroke__width=2))
    last = len(points) - 1
    for i in sorted({0, len(points) // 2, last} if points else set()):
        anchor = "start" if i == 0 else "end" if i == last else "middle"
        body.append(text(xy[i][0], base + 16, points[i][0], anchor=anchor))
    total = sum((v for _, v in points), Decimal(0))
    peak = max(range(len(points)), key=lambda i: (points[i][1], i)) if points else None
    if total and peak is not None:
        desc = ngettext(
            "%(total)s in all over %(num)d day; at most %(most)s on %(day)s.",
            "%(total)s in all over %(num)d days; at most %(most)s on %(day)s.",
            len(points),
            total=value_text(total),
            most=value_text(points[peak][1]),
            day=points[peak][0],
        )
    else:
        desc = ngettext(
            "%(total)s in all over %(num)d day.",
            "%(total)s in all over %(num)d days.",
            len(points),
            total=value_text(total),
        )
    rows = [[label, value_text(value)] for label, value in points]
    numbers = table(title, [gettext("Day"), gettext("Count")], rows, hidden=False)
    picture = svg(chart_id, WIDTH, height, title, desc, "".join(body))
    return figure(chart_id, "area", picture, caption, numbers)


def _grid(top_value: float, plot_h: int, plot_bottom: int | None = None) -> str:
    """Horizontal lines at 0, half and the top of the scale, with their values."""
    bottom = plot_bottom if plot_bottom is not None else TOP + plot_h
    lines = []
    for share in (0, 0.5, 1):
        y = bottom - share * plot_h
        colour = AXIS if share == 0 else GRID
        lines.append(
            element(
                "line",
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y1=coord(y),
                y2=coord(y),
                stroke=colour,
                stroke__width=1,
            )
        )
        lines.append(text(LEFT - 6, y + 4, tick_text(top_value * share), anchor="end"))
    return "".join(lines)


def _legend(chart_id: str, names: Sequence[str], top: float) -> str:
    column_w = (WIDTH - LEFT) / LEGEND_COLUMNS
    items = []
    for i, name in enumerate(names):
        x = LEFT + (i % LEGEND_COLUMNS) * column_w
        y = top + (i // LEGEND_COLUMNS) * LEGEND_ROW
        swatch = element(
            "rect",
            x=coord(x),
            y=coord(y + 3),
            width=14,
            height=14,
            fill=fill_of(chart_id, i),
            stroke=AXIS,
            stroke__width=0.5,
        )
        items.append(swatch + text(x + 20, y + 14, short(name, 24)))
    return element("g", "".join(items), class_="legend")


def _stack_desc(
    columns: Sequence[str], totals: Sequence[Number], value_text: ValueText, caption: str
) -> str:
    if not columns:
        return gettext("No data.")
    peak = max(range(len(columns)), key=lambda i: (totals[i], i))
    return " ".join(
        part
        for part in (
            caption,
            ngettext(
                "%(total)s over %(num)d month;",
                "%(total)s over %(num)d months;",
                len(columns),
                total=value_text(sum(totals, Decimal(0))),
            ),
            gettext(
                "the most, %(most)s, in %(month)s.",
                most=value_text(totals[peak]),
                month=columns[peak],
            ),
        )
        if part
    )


def _esc(value: str) -> str:
    """Text for element content (``element`` takes markup as content)."""
    return str(escape(value))
