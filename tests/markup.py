"""Read a rendered table the way the layout tests need it: each cell's text and CSS classes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Classes that hide a column at some width (static/css/stockline.css).
HIDING = {"hide-sm", "hide-md"}


@dataclass
class Cell:
    text: str = ""
    classes: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)  # e.g. "button", "form"

    @property
    def shown_at_desktop(self) -> bool:
        return not (self.classes & HIDING)


@dataclass
class Table:
    head: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)

    def column(self, label: str) -> int:
        """The index of the column headed `label` (a sort arrow after it ignored)."""
        return [c.text.rstrip(" ▲▼") for c in self.head].index(label)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[Table] = []
        self.cell: Cell | None = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict((k, v or "") for k, v in attrs)
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.tables.append(Table())
        elif self.depth == 1 and self.tables and tag == "tr":
            self.tables[-1].rows.append([])
        elif self.depth == 1 and tag in ("th", "td"):
            self.cell = Cell(classes=set(attrs.get("class", "").split()), attrs=attrs)
            table = self.tables[-1]
            (table.head if tag == "th" else table.rows[-1]).append(self.cell)
        elif self.cell is not None:
            self.cell.tags.append(tag)

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif tag in ("th", "td"):
            if self.cell is not None:
                self.cell.text = " ".join(self.cell.text.split())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data


def tables(html: str) -> list[Table]:
    """Every top-level table of the page; rows without data cells (the header row) dropped."""
    parser = _Parser()
    parser.feed(html)
    for table in parser.tables:
        table.rows = [row for row in table.rows if row]
    return parser.tables
