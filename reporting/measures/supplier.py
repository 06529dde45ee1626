"""Supplier scorecard (DOMAIN.md, "Measures"): on time, fill, quality and lead time per
supplier, from warehouse's receiving selectors (the formulas are in
warehouse/receiving/scorecard.py, and the page states them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS

from reporting.figures import ratio
from reporting.measures import registry
from reporting.scope import Scope
from warehouse.receiving import scorecard

ZERO = Decimal(0)


@dataclass
class SupplierScore:
    supplier_id: int
    code: str
    name: str
    receipt_lines: int = 0
    on_time_lines: int = 0
    received: Decimal = ZERO
    received_clean: Decimal = ZERO
    closed_lines: int = 0
    ordered: Decimal = ZERO
    filled: Decimal = ZERO
    lead_lines: int = 0
    lead_mean: Decimal | None = None  # days
    lead_sd: Decimal | None = None  # days

    @property
    def on_time(self) -> Decimal | None:
        return ratio(self.on_time_lines, self.receipt_lines)

    @property
    def fill(self) -> Decimal | None:
        return ratio(self.filled, self.ordered)

    @property
    def quality(self) -> Decimal | None:
        return ratio(self.received_clean, self.received)


def _filters(scope: Scope) -> dict:
    return {
        "site_id": scope.site.pk if scope.site is not None else None,
        "category": scope.category,
        "abc_class": scope.abc_class,
    }


def supplier_scores(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> list[SupplierScore]:
    """One score per supplier active in the scope's period, by supplier code."""
    start, stop = scope.bounds()
    rows = scorecard.supplier_scorecard(
        tenant=scope.tenant, start=start, stop=stop, first_day=scope.start, last_day=scope.end,
        supplier_id=scope.supplier.pk if scope.supplier is not None else None, using=using,
        **_filters(scope),
    )  # fmt: skip
    return [SupplierScore(**row) for row in rows]


def totals(scores: list[SupplierScore]) -> SupplierScore:
    """Every supplier together (lead time: the line-weighted mean; no pooled spread)."""
    total = SupplierScore(0, "", "All suppliers")
    weighted = ZERO
    for s in scores:
        total.receipt_lines += s.receipt_lines
        total.on_time_lines += s.on_time_lines
        total.received += s.received
        total.received_clean += s.received_clean
        total.closed_lines += s.closed_lines
        total.ordered += s.ordered
        total.filled += s.filled
        total.lead_lines += s.lead_lines
        if s.lead_mean is not None:
            weighted += s.lead_mean * s.lead_lines
    total.lead_mean = weighted / total.lead_lines if total.lead_lines else None
    return total


def supplier_receipts(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
    """The receipt lines behind one supplier's figures (the scope names the supplier)."""
    start, stop = scope.bounds()
    return scorecard.supplier_receipts(
        tenant=scope.tenant, start=start, stop=stop, supplier_id=scope.supplier.pk, using=using,
        **_filters(scope),
    )  # fmt: skip


# --- nightly snapshots (reporting.measures.registry) ----------------------------------------


def _score(numerator: str, denominator: str):
    def figures(scope: Scope) -> tuple:
        total = totals(supplier_scores(scope))
        return getattr(total, numerator), getattr(total, denominator)

    return figures


registry.register("supplier_on_time", "Supplier on time", _score("on_time_lines", "receipt_lines"))
registry.register("supplier_fill", "Supplier fill", _score("filled", "ordered"))
registry.register("supplier_quality", "Supplier quality", _score("received_clean", "received"))
