"""Headline figures of report and landing pages, and the ratios they show.

A ratio with nothing under it (no orders shipped in the period) is "—", not 0 % or 100 %:
an empty period did neither well nor badly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EMPTY = "—"


@dataclass(frozen=True)
class Figure:
    label: str
    text: str
    href: str = ""  # the list behind the figure
    detail: str = ""  # the numerator and denominator, or what the figure counts


def ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def percent(value: Decimal | None, places: int = 1) -> str:
    if value is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-places)
    return f"{(value * 100).quantize(quantum, rounding=ROUND_HALF_UP)} %"
