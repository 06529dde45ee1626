"""The SVG charts: geometry worked out by hand, and the numbers table beside every chart."""

from decimal import Decimal

from django.template.loader import render_to_string

from reporting.charts import Point, bar_chart, column_chart


def test_bars_share_one_scale_from_zero():
    # 360 wide - 112 for labels - 64 for figures leaves 184 units for the largest bar (30).
    chart = bar_chart("Lines by zone", [Point("A", 30), Point("B", 10)], unit="lines")
    a, b = chart.shapes
    assert chart.zero == 112
    assert (a.x, a.width) == (112, 184)
    assert (b.x, b.width) == (112, 61.33)  # 10 / 30 of 184
    assert chart.height == 2 * 26


def test_a_negative_bar_grows_left_of_zero():
    # Domain -10..30 spans 40 over 184 units: zero sits 10/40 of the way in.
    chart = bar_chart("Adjustments", [Point("Found", 30), Point("Lost", Decimal("-10"))])
    found, lost = chart.shapes
    assert chart.zero == 112 + 46
    assert (found.x, found.width) == (158, 138)
    assert (lost.x, lost.width) == (112, 46)


def test_columns_thin_their_labels_to_about_six():
    # 12 columns: every second label shows (ceil(12 / 6) = 2), and the last one always.
    chart = column_chart("Shipped per day", [Point(f"d{i}", i) for i in range(12)])
    shown = [s.point.label for s in chart.shapes if s.show_label]
    assert shown == ["d0", "d2", "d4", "d6", "d8", "d10", "d11"]
    tallest = chart.shapes[-1]
    assert tallest.height == 150  # the largest value fills the plot's height
    assert [text for _, text in chart.ticks] == ["0", "5.5", "11"]


def test_render_has_the_svg_links_and_the_numbers():
    chart = bar_chart(
        "Backorders", [Point("0-7 days", 4, display="4", href="/sales/backorders/?age=0-7")]
    )
    html = render_to_string("reporting/_chart.html", {"chart": chart})
    assert "<svg" in html and 'role="img"' in html
    assert 'href="/sales/backorders/?age=0-7"' in html
    assert "<td>" in html and ">0-7 days</a>" in html


def test_an_empty_chart_says_so_without_a_picture():
    html = render_to_string("reporting/_chart.html", {"chart": column_chart("Trend", [])})
    assert "<svg" not in html
    assert "No figures for this period" in html
