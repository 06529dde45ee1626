"""Cycle counts: the bin, its rounds and what they found, and the decided figures.

Only supervisors read counts, as only they open the count pages: an operator counts blind
(the scanner never shows what the bin should hold, nor the first count to the recounter),
and a token acting as an operator must not see it either."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from erp.api.fields import Lookup as Code
from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from warehouse import permissions
from warehouse.counting import selectors
from warehouse.models import Count, CountedLine, CountResult, CountRound, CountSource, CountStatus

router = Router(tags=["Counts"])


def _lot(row) -> str | None:
    return row.lot.code if row.lot else (getattr(row, "lot_code", "") or None)


def _serial(row) -> str | None:
    return row.serial.serial if row.serial else (getattr(row, "serial_code", "") or None)


class CountedOut(Schema):
    sku: str
    lot: str | None
    serial: str | None
    quantity: Decimal

    @staticmethod
    def resolve_sku(row: CountedLine) -> str:
        return row.item.sku

    @staticmethod
    def resolve_lot(row: CountedLine) -> str | None:
        return _lot(row)

    @staticmethod
    def resolve_serial(row: CountedLine) -> str | None:
        return _serial(row)


class RoundOut(Schema):
    number: int
    finished_at: datetime.datetime | None
    empty: bool
    lines: list[CountedOut]

    @staticmethod
    def resolve_lines(row: CountRound) -> list[CountedLine]:
        return row.found


class ResultOut(Schema):
    sku: str
    lot: str | None
    serial: str | None
    expected: Decimal
    counted: Decimal
    variance: Decimal
    unit_cost: Decimal
    within_tolerance: bool

    @staticmethod
    def resolve_sku(row: CountResult) -> str:
        return row.item.sku

    @staticmethod
    def resolve_lot(row: CountResult) -> str | None:
        return _lot(row)

    @staticmethod
    def resolve_serial(row: CountResult) -> str | None:
        return _serial(row)


class CountOut(Schema):
    id: int
    site: str
    zone: str | None
    bin: str
    status: CountStatus
    source: CountSource
    reason: str
    note: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    rounds: list[RoundOut]
    results: list[ResultOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_site(count: Count) -> str:
        return count.site.code

    @staticmethod
    def resolve_zone(count: Count) -> str | None:
        return count.zone.code if count.zone else None

    @staticmethod
    def resolve_bin(count: Count) -> str:
        return count.location.code

    @staticmethod
    def resolve_rounds(count: Count) -> list[CountRound]:
        return count.passes

    @staticmethod
    def resolve_results(count: Count) -> list[CountResult]:
        return count.decided


class ReconciledOut(Schema):
    sku: str
    lot: str | None
    serial: str | None
    snapshot: Decimal
    moved: Decimal
    expected: Decimal
    counted: Decimal
    variance: Decimal
    beyond_tolerance: bool

    @staticmethod
    def resolve_sku(line) -> str:
        return line.item.sku

    @staticmethod
    def resolve_lot(line) -> str | None:
        return _lot(line)

    @staticmethod
    def resolve_serial(line) -> str | None:
        return _serial(line)

    @staticmethod
    def resolve_beyond_tolerance(line) -> bool:
        return line.beyond


class CountDetailOut(CountOut):
    reconciliation: list[ReconciledOut]


CountPage = page_of(CountOut)


def _counts(request):
    found = CountedLine.objects.select_related("item", "lot", "serial").order_by("pk")
    rounds = CountRound.objects.order_by("number").prefetch_related(
        Prefetch("lines", queryset=found, to_attr="found")
    )
    results = CountResult.objects.select_related("item", "lot", "serial").order_by("pk")
    return (
        Count.objects.filter(tenant=request.tenant)
        .select_related("site", "zone", "location")
        .prefetch_related(
            Prefetch("rounds", queryset=rounds, to_attr="passes"),
            Prefetch("results", queryset=results, to_attr="decided"),
        )
    )


@router.get("/counts", response=answers(CountPage), summary="List cycle counts")
def list_counts(
    request,
    page: Query[PageQuery],
    status: CountStatus | None = None,
    site: Code | None = None,
):
    """Counts oldest change first with each round's findings and, once decided, expected
    against counted per item (supervisors only: counting is blind)."""
    roles(request, permissions.SUPERVISORS)
    counts = _counts(request)
    counts = where(counts, status=status, site__code=site)
    return keyset(counts, page)


@router.get("/counts/{count_id}", response=answers(CountDetailOut), summary="One cycle count")
def get_count(request, count_id: Id):
    """A count with the reconciliation its supervisor decides on: what the bin held when it
    was opened, what moved while it was counted, what the last round found, and which
    variances are beyond the tenant's tolerance."""
    roles(request, permissions.SUPERVISORS)
    count = get_object_or_404(_counts(request), pk=count_id)
    last = selectors.last_round(count)
    count.reconciliation = (
        selectors.reconciliation(tenant=request.tenant, count=count, round=last) if last else []
    )
    return count
