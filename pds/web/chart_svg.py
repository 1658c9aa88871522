"""The parts the portal's charts are drawn from: palette and fill patterns, scales,
SVG and table markup. Every text goes through ``escape``; numbers are formatted here."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from pds.i18n import gettext

Number = int | float | Decimal
ValueText = Callable[[Number], str]

SVG_NS = "http://www.w3.org/2000/svg"
INK = "#1d232a"
AXIS = "#6b6862"
GRID = "#d9d6cf"
ACCENT = "#1f5f8b"
AREA = "#cfe0ee"
#: At least 3:1 against white (WCAG 1.4.11), told apart by pattern as well as hue.
PALETTE = ("#1f5f8b", "#b35900", "#2e7d32", "#8e3b8e", "#a3221b", "#00796b", "#6d4c41", "#5f6368")
#: White marks over each colour: none, stripes, dots, lines, hatch, ... (index = series).
MARKS = ("", "diagonal", "dots", "horizontal", "cross", "vertical", "backslash", "")


def count_text(value: Number) -> str:
    return f"{value:,}"


def tick_text(value: float) -> str:
    """A short axis label: ``1,500``, ``2.5``."""
    if value >= 10 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value`` (>0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def attrs(**values: object) -> str:
    """` name="value"` pairs, escaped; a trailing ``_`` is dropped, ``__`` becomes ``-``."""
    parts = []
    for name, value in values.items():
        key = name.rstrip("_").replace("__", "-")
        parts.append(f' {key}="{escape(str(value))}"')
    return "".join(parts)


def element(tag: str, content: str = "", /, **values: object) -> str:
    if content:
        return f"<{tag}{attrs(**values)}>{content}</{tag}>"
    return f"<{tag}{attrs(**values)}/>"


def svg(chart_id: str, width: int, height: int, title: str, desc: str, body: str) -> str:
    """An ``<svg role="img">`` named by ``title`` and described by ``desc``."""
    head = (
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
    )
    return (
        f'<svg xmlns="{SVG_NS}"'
        + attrs(
            viewBox=f"0 0 {width} {height}",
            width=width,
            height=height,
            role="img",
            aria__label=title,
            aria__describedby=f"{chart_id}-desc",
            focusable="false",
        )
        + f">{head}{body}</svg>"
    )


def fill_of(chart_id: str, index: int) -> str:
    """The fill of series ``index``: its colour, or its patterned colour."""
    slot = index % len(PALETTE)
    return f"url(#{chart_id}-p{slot})" if MARKS[slot] else PALETTE[slot]


def patterns(chart_id: str, count: int) -> str:
    """``<defs>`` with the patterns of the first ``count`` series."""
    defs = [_pattern(chart_id, slot) for slot in range(min(count, len(PALETTE))) if MARKS[slot]]
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _pattern(chart_id: str, slot: int) -> str:
    white: dict[str, object] = {"stroke": "#fff", "stroke__width": 1.5}
    marks = {
        "diagonal": element("path", d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2", **white),
        "backslash": element("path", d="M-1,7 l2,2 M0,0 l8,8 M7,-1 l2,2", **white),
        "horizontal": element("path", d="M0,4 h8", **white),
        "vertical": element("path", d="M4,0 v8", **white),
        "cross": element("path", d="M0,0 l8,8 M8,0 l-8,8", **white),
        "dots": element("circle", cx=4, cy=4, r=1.6, fill="#fff"),
    }[MARKS[slot]]
    ground = element("rect", width=8, height=8, fill=PALETTE[slot])
    return element(
        "pattern",
        ground + marks,
        id=f"{chart_id}-p{slot}",
        width=8,
        height=8,
        patternUnits="userSpaceOnUse",
    )


def text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 11) -> str:
    return element(
        "text",
        str(escape(content)),
        x=coord(x),
        y=coord(y),
        fill=INK,
        font__size=size,
        text__anchor=anchor,
    )


def coord(value: float) -> str:
    """A coordinate, short: ``12.5``, ``40``."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]], *, hidden: bool) -> str:
    """The numbers as a table: in a ``<details>`` or, with ``hidden``, only for screen readers."""
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f'<td class="num">{escape(cell)}</td>' for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    markup = (
        f"<table><caption>{escape(caption)}</caption>"
        f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    )
    if hidden:
        return f'<div class="visually-hidden">{markup}</div>'
    summary = escape(gettext("The numbers"))
    return f'<details class="chart-numbers"><summary>{summary}</summary>{markup}</details>'


#: Charts without text, which may shrink with the page (a sparkline in a list row).
TEXTLESS_KINDS = frozenset({"spark"})


def figure(chart_id: str, kind: str, picture: str, caption: str, numbers: str) -> Markup:
    """The chart, its caption and its numbers, as markup Jinja embeds as it is."""
    shown = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    if kind not in TEXTLESS_KINDS:
        # never drawn smaller than its size (its text stays legible): on a narrow screen
        # it scrolls sideways in this box, which the keyboard can reach
        picture = f'<div class="chart-plot" tabindex="0">{picture}</div>'
    return Markup(
        f'<figure class="chart chart-{escape(kind)}" id="{escape(chart_id)}">'
        f"{picture}{shown}{numbers}</figure>"
    )
