"""Charts drawn on the server as SVG: no script, no CDN, and the same picture in a PDF or a
screenshot as in the browser.

A chart is built in Python from the figures a page already has (`bar_chart` for categories,
`column_chart` for a series over time or buckets) and rendered by `{% chart %}`
(reporting/templatetags/reporting_charts.py). Geometry is computed here, in a coordinate
space 360 units wide, the narrowest phone a page must serve: the SVG scales with its box, so
at 360 px its 12-unit text is 12 px and on a desk screen the chart grows up to the CSS
max-width instead of shrinking its text. The numbers behind every chart are rendered beside
it as a table (`Chart.rows`), so nothing is only in the picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 360
ROW = 26  # a horizontal bar's row height
LABEL_WIDTH = 112  # bar charts: category labels on the left
VALUE_WIDTH = 64  # bar charts: the figure after the bar
COLUMN_HEIGHT = 150  # column charts: the plot's height
AXIS_LEFT = 44  # column charts: room for the y-axis figures
AXIS_BOTTOM = 22  # column charts: room for the x-axis labels


@dataclass(frozen=True)
class Point:
    """One figure of a chart: its label, value, the text shown for it and where it leads."""

    label: str
    value: Decimal | int | float
    display: str = ""  # the value as the page formats it; str(value) when empty
    href: str = ""  # the list behind this figure

    @property
    def text(self) -> str:
        return self.display or str(self.value)


@dataclass(frozen=True)
class Shape:
    """A point placed on the chart: a rectangle and where its texts go."""

    point: Point
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    show_label: bool = True


@dataclass
class Chart:
    kind: str  # "bar" or "column"
    title: str
    unit: str
    points: list[Point]
    width: int = WIDTH
    height: int = 0
    shapes: list[Shape] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, text) of column charts
    zero: float = 0.0  # the x (bars) or y (columns) of the zero line

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def rows(self) -> list[Point]:
        return self.points


def _domain(points: list[Point]) -> tuple[float, float]:
    values = [float(p.value) for p in points] or [0.0]
    low, high = min(0.0, min(values)), max(0.0, max(values))
    if high == low:
        high = low + 1.0
    return low, high


def bar_chart(title: str, points: list[Point], *, unit: str = "") -> Chart:
    """Horizontal bars, one row per category (suppliers, zones, reasons, aging buckets)."""
    chart = Chart("bar", title, unit, list(points))
    low, high = _domain(chart.points)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = plot / (high - low)
    chart.zero = LABEL_WIDTH + (0 - low) * scale
    for index, point in enumerate(chart.points):
        value = float(point.value)
        start = chart.zero + min(0.0, value) * scale
        top = index * ROW
        chart.shapes.append(
            Shape(
                point,
                x=round(start, 2),
                y=top + 5,
                width=round(max(abs(value) * scale, 0.5 if value else 0.0), 2),
                height=ROW - 10,
                label_x=LABEL_WIDTH - 6,
                label_y=top + ROW / 2 + 4,
                value_x=WIDTH - VALUE_WIDTH + 4,
                value_y=top + ROW / 2 + 4,
            )
        )
    chart.height = max(len(chart.points), 1) * ROW
    return chart


def column_chart(title: str, points: list[Point], *, unit: str = "") -> Chart:
    """Vertical columns left to right (a trend by day or week, aging buckets in order).
    Labels are thinned so they never overlap at phone width: at most about six are shown."""
    chart = Chart("column", title, unit, list(points))
    low, high = _domain(chart.points)
    plot_width = WIDTH - AXIS_LEFT - 4
    scale = COLUMN_HEIGHT / (high - low)
    chart.zero = 4 + high * scale
    count = max(len(chart.points), 1)
    slot = plot_width / count
    every = max(1, -(-count // 6))
    for index, point in enumerate(chart.points):
        value = float(point.value)
        top = chart.zero - max(0.0, value) * scale
        left = AXIS_LEFT + index * slot + slot * 0.15
        chart.shapes.append(
            Shape(
                point,
                x=round(left, 2),
                y=round(top, 2),
                width=round(slot * 0.7, 2),
                height=round(max(abs(value) * scale, 0.5 if value else 0.0), 2),
                label_x=round(left + slot * 0.35, 2),
                label_y=4 + COLUMN_HEIGHT + 16,
                value_x=round(left + slot * 0.35, 2),
                value_y=round(top - 3, 2),
                show_label=index % every == 0 or index == count - 1,
            )
        )
    for fraction in (0.0, 0.5, 1.0):
        value = low + (high - low) * fraction
        chart.ticks.append((round(chart.zero - value * scale, 2), _tick(value)))
    chart.height = 4 + COLUMN_HEIGHT + AXIS_BOTTOM
    return chart


def _tick(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.0f}k"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"
