"""Count plans: each night opens counts of the bins holding stock by ABC class (A 12, B 4,
C 1 a year by default), the longest uncounted first; a second run the same day opens nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.models import ItemSegment
from tests.factories import BinFactory, ItemFactory
from tests.inventory.stock import receive
from tests.warehouse.counting import Shelf
from warehouse.models import Count, CountSource, WorkKind, WorkTask
from warehouse.tasks import plan_counts_task

pytestmark = pytest.mark.django_db


def _segment(tenant, item, site, abc):
    with tenant_context(tenant):
        ItemSegment.objects.create(
            tenant=tenant, item=item, site=site, abc_class=abc, xyz_class="X", annual_quantity=1,
            annual_value=1, demand_periods=1, demand_cv=Decimal("0.5"),
            computed_on=datetime.date(2026, 1, 1),
        )  # fmt: skip


def test_the_nightly_plan_opens_counts_by_class_once_a_day(tenant_a):
    shelf = Shelf(tenant_a)  # S-01: WIDGET (class A)
    _segment(tenant_a, shelf.item, shelf.site, "A")
    # 40 C bins: ceil(40 * 1 / 365) = 1 count tonight; the empty S-02 is never planned.
    for number in range(40):
        bin = BinFactory(zone=shelf.zone, code=f"C-{number:02d}")
        receive(tenant_a, ItemFactory(tenant=tenant_a), bin, 1)

    assert plan_counts_task.run(tenant_a.pk) == 2
    assert plan_counts_task.run(tenant_a.pk) == 0  # the same night again: nothing more

    with tenant_context(tenant_a):
        planned = list(Count.objects.filter(source=CountSource.PLAN).order_by("reason"))
        queued = WorkTask.objects.filter(kind=WorkKind.COUNT).count()
        codes = sorted((c.location.code, c.reason) for c in planned)
    assert codes == [("C-00", "count plan, class C"), ("S-01", "count plan, class A")]
    assert queued == 2


def test_a_bin_counted_within_its_interval_is_not_planned(tenant_a):
    shelf = Shelf(tenant_a)
    _segment(tenant_a, shelf.item, shelf.site, "A")
    count = shelf.count(shelf.open(), {shelf.item: 10})
    from warehouse.counting import services

    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
    assert plan_counts_task.run(tenant_a.pk) == 0
