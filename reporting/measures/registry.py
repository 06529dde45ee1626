"""The measures that nightly KPI snapshots keep (`reporting.snapshots`), by key.

Each area's measures module registers its ratio measures when imported
(`ReportingConfig.ready()` imports them): `register(key, label, function)` where
`function(scope) -> (numerator, denominator)` computes the measure over a `Scope` of one day
and possibly one site. A snapshot keeps the numerator and the denominator, not the ratio, so a
trend over several days sums them (a week's fill rate is not the mean of its days' rates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

Figures = tuple[Decimal | int, Decimal | int]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    function: Callable[..., Figures]


_measures: dict[str, Measure] = {}


def register(key: str, label: str, function: Callable[..., Figures]) -> Measure:
    """Register a measure under `key` (at most 60 characters); registering the same again is
    harmless, another function under a key already taken is a configuration error."""
    if len(key) > 60:
        raise ImproperlyConfigured(f"Measure key {key!r} is longer than 60 characters.")
    measure = Measure(key, label, function)
    existing = _measures.get(key)
    if existing is not None and existing.function is not function:
        raise ImproperlyConfigured(f"Two measures registered under {key!r}.")
    _measures[key] = measure
    return measure


def measures() -> list[Measure]:
    return sorted(_measures.values(), key=lambda measure: measure.key)


def get(key: str) -> Measure:
    return _measures[key]
