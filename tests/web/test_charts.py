"""The portal's charts: well-formed SVG, escaped labels, the right numbers, and the
same numbers as a table for screen readers and no-image readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from markupsafe import Markup

from pds.i18n import written_in
from pds.services.records.spending import (
    CurrencyTotal,
    MonthlySpending,
    VendorAmount,
    VendorSpending,
)
from pds.web.chart_svg import nice_ceiling, tick_text
from pds.web.charts import area_chart, horizontal_bars, money_text, sparkline, stacked_bars
from pds.web.pictures import currency_note, month_long, spending_per_month, spending_per_vendor

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & co'


def parsed(markup: Markup) -> ET.Element:
    """The chart's markup as XML (it must be well-formed)."""
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))


def svg_of(figure: ET.Element) -> ET.Element:
    found = figure.find(f".//{SVG}svg")
    assert found is not None
    return found


def table_rows(figure: ET.Element) -> list[list[str]]:
    return [[cell.text or "" for cell in row] for row in figure.iter("tr")]


def test_stacked_bars() -> None:
    figure = parsed(
        stacked_bars(
            "spend",
            f"Spending {EVIL}",
            ["Jan 2025", "Feb 2025"],
            [("food", [Decimal("10.50"), Decimal(0)]), (EVIL, [Decimal(1), Decimal("2.25")])],
            value_text=money_text("EUR"),
            ticks=["Jan 25", "Feb 25"],
            caption="In EUR.",
        )
    )
    svg = svg_of(figure)
    assert (svg.get("role"), svg.get("aria-label")) == ("img", f"Spending {EVIL}")
    assert svg.findtext(f"{SVG}title") == f"Spending {EVIL}"
    assert svg.findtext(f"{SVG}desc") == (
        "In EUR. 13.75 EUR over 2 months; the most, 11.50 EUR, in Jan 2025."
    )
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [(b.findtext(f"{SVG}title"), b.get("height")) for b in bars] == [
        ("food, Jan 2025: 10.50 EUR", "94.5"),  # of 180 px for a scale up to 20
        (f"{EVIL}, Jan 2025: 1.00 EUR", "9"),
        (f"{EVIL}, Feb 2025: 2.25 EUR", "20.2"),
    ]
    assert bars[0].get("fill") == "#1f5f8b" and bars[1].get("fill") == "url(#spend-p1)"
    assert svg.find(f".//{SVG}pattern[@id='spend-p1']") is not None  # not only colour
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"0", "10", "20", "Jan 25", "Feb 25", "food"} <= set(texts)
    assert '<script>alert("x")</scr…' in texts  # the legend, cut short
    assert figure.findtext("figcaption") == "In EUR."
    assert figure.find("details/summary") is not None
    assert table_rows(figure) == [
        ["Month", "food", EVIL, "Total"],
        ["Jan 2025", "10.50 EUR", "1.00 EUR", "11.50 EUR"],
        ["Feb 2025", "0.00 EUR", "2.25 EUR", "2.25 EUR"],
    ]


def test_labels_are_escaped_in_the_markup() -> None:
    markup = str(horizontal_bars("v", EVIL, [(EVIL, 1)]))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup


def test_horizontal_bars() -> None:
    figure = parsed(
        horizontal_bars(
            "vendors",
            "Spending per vendor",
            [("A very long vendor name that goes on", 300), ("B & Sons", 150)],
            value_text=money_text("JPY"),
        )
    )
    svg = svg_of(figure)
    bars = list(svg.iter(f"{SVG}rect"))
    assert [b.get("width") for b in bars] == ["340", "170"]  # 640 - 180 - 120 px for the top
    assert [t.text for t in svg.iter(f"{SVG}text")] == [
        "A very long vendor name t…",
        "300 JPY",
        "B & Sons",
        "150 JPY",
    ]
    assert svg.findtext(f"{SVG}desc") == (
        "A very long vendor name that goes on: 300 JPY; B & Sons: 150 JPY"
    )
    assert table_rows(figure) == [
        ["Name", "Amount"],
        ["A very long vendor name that goes on", "300 JPY"],
        ["B & Sons", "150 JPY"],
    ]


def test_sparkline() -> None:
    figure = parsed(sparkline("c-1", f"Interactions with {EVIL}", ["2025-01", "2025-02"], [4, 1]))
    svg = svg_of(figure)
    desc = "5 in 2 months; at most 4 in 2025-01; 1 in 2025-02."
    assert svg.get("aria-label") == f"Interactions with {EVIL}: {desc}"
    assert svg.findtext(f"{SVG}desc") == desc
    line = svg.find(f"{SVG}polyline")
    assert line is not None and line.get("points") == "3,3 117,19.5"
    hidden = figure.find("div")
    assert hidden is not None and hidden.get("class") == "visually-hidden"
    assert table_rows(figure) == [["Month", "Count"], ["2025-01", "4"], ["2025-02", "1"]]


def test_an_empty_sparkline_says_so_without_a_table() -> None:
    figure = parsed(sparkline("c-2", "Interactions", ["2025-01", "2025-02"], [0, 0]))
    assert svg_of(figure).findtext(f"{SVG}desc") == "None in 2 months."
    assert figure.find("div") is None


def test_area_chart() -> None:
    points = [("2025-03-01", 0), ("2025-03-02", 4), ("2025-03-03", 2)]
    figure = parsed(area_chart("access", "Calls per day", points))
    svg = svg_of(figure)
    assert svg.findtext(f"{SVG}desc") == "6 in all over 3 days; at most 4 on 2025-03-02."
    line = svg.find(f"{SVG}polyline")
    assert line is not None and line.get("points") == "56,160 344,40 632,100"  # a scale up to 5
    area = svg.find(f"{SVG}polygon")
    assert area is not None and area.get("points") == "56,160 56,160 344,40 632,100 632,160"
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert labels == ["0", "2.5", "5", "2025-03-01", "2025-03-02", "2025-03-03"]
    assert table_rows(figure)[1:] == [["2025-03-01", "0"], ["2025-03-02", "4"], ["2025-03-03", "2"]]


def test_scales_and_money() -> None:
    assert [nice_ceiling(v) for v in (0, 0.3, 7, 11, 2100, 4999)] == [1, 0.5, 10, 20, 2500, 5000]
    assert [tick_text(v) for v in (0, 0.25, 2.5, 1250.0)] == ["0", "0.25", "2.5", "1,250"]
    assert money_text("EUR")(Decimal("1234.5")) == "1,234.50 EUR"
    assert money_text("BHD")(Decimal("1")) == "1.000 BHD"


def test_spending_pictures_name_the_currency_and_what_they_leave_out() -> None:
    totals = (CurrencyTotal("EUR", Decimal(5), 2), CurrencyTotal("USD", Decimal(7), 1))
    note = "In EUR, the currency of most of your purchases. Not shown: 7.00 USD (1 purchase)."
    assert currency_note("EUR", totals[1:]) == note
    monthly = MonthlySpending("EUR", ("2025-02",), {"food": (Decimal(5),)}, totals)
    figure = parsed(spending_per_month(monthly) or Markup())
    assert figure.findtext("figcaption") == note
    assert table_rows(figure)[1] == ["Feb 2025", "5.00 EUR", "5.00 EUR"]
    vendors = VendorSpending("EUR", (VendorAmount("v", "Shop", Decimal(5)),), totals)
    assert table_rows(parsed(spending_per_vendor(vendors) or Markup()))[1] == ["Shop", "5.00 EUR"]
    assert spending_per_month(MonthlySpending(None, (), {}, ())) is None
    assert spending_per_vendor(VendorSpending(None, (), ())) is None


def test_chart_text_is_never_drawn_under_11_px() -> None:
    """Charts with text keep their drawn size (text 11 units = 11 px), scrolling sideways
    in a box the keyboard reaches on a narrow screen; a sparkline has no text and shrinks."""
    bars = parsed(stacked_bars("spend", "Spending", ["Jan 2025"], [("food", [Decimal("10.50")])]))
    hbars = parsed(horizontal_bars("top", "Top", [("Shop", Decimal(3))]))
    for figure in (bars, hbars):
        [plot] = figure.findall("div[@class='chart-plot']")
        assert plot.get("tabindex") == "0"
        sizes = [float(t.get("font-size", "0")) for t in svg_of(figure).iter(f"{SVG}text")]
        assert sizes and min(sizes) >= 11
    spark = parsed(sparkline("rhythm", "Contact", ["Jan", "Feb"], [1, 2]))
    assert spark.find("div[@class='chart-plot']") is None and not list(
        svg_of(spark).iter(f"{SVG}text")
    )


def test_the_charts_words_in_german() -> None:
    with written_in("de"):
        assert month_long("2025-03") == "Mär 2025"
        assert currency_note("EUR", []) == "In EUR, der Währung der meisten Ihrer Einkäufe."
        chart = str(sparkline("s", "Kontakte", ["Jan", "Feb"], [0, 0]))
    assert "Keine in 2 Monaten." in chart
