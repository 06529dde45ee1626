"""What an export writes in a cell: a row's value for a column, typed, and made safe for CSV."""

from __future__ import annotations

import datetime
import decimal
import enum
from collections.abc import Callable
from typing import Any

# OWASP "CSV Injection": a spreadsheet treats a cell starting with one of these as a formula
# (tab and carriage return can hide one of them behind whitespace).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """`text` made inert for a spreadsheet: a leading formula character gets a single quote
    before it, which spreadsheets show as text and never evaluate."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def value_of(row: Any, value: str | Callable[[Any], Any]) -> Any:
    """A column's value for `row`: a callable's answer, or the attribute path ("item.sku") read
    from a model instance or a dict; a missing link (None on the way) gives None."""
    if callable(value):
        return value(row)
    current = row
    for part in value.split("."):
        if current is None:
            return None
        current = current[part] if isinstance(current, dict) else getattr(current, part)
        if callable(current) and part.startswith("get_"):  # get_status_display and the like
            current = current()
    return current


def plain(value: Any, tz: datetime.tzinfo | None) -> Any:
    """The cell as a writer takes it: None, bool, int, Decimal, float, date, datetime (naive, in
    the page's time zone, since spreadsheets have none) or str."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None and tz is not None:
            value = value.astimezone(tz)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, enum.Enum):  # a Choices member: its label, as the page shows it
        return str(getattr(value, "label", value.value))
    return str(value)


def csv_cell(value: Any) -> str | Any:
    """A plain cell for the csv module: numbers stay numbers (a negative quantity is a number,
    not a formula), text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def active(row: Any) -> str:
    """The Active / Inactive badge of list pages, as its word."""
    return "Active" if row.is_active else "Inactive"
