"""Count plans: each night opens counts of the bins holding stock by ABC class (A 12, B 4,
C 1 a year by default), bins with a variance history or high value as A bins and first, the
longest uncounted first; a second run the same day opens nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import ItemSegment
from tests.factories import BinFactory, ItemFactory, member
from tests.inventory.stock import receive
from tests.warehouse.counting import Shelf
from warehouse.counting import plans, services
from warehouse.models import Count, CountSettings, CountSource, WorkKind, WorkTask
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
    # S-01 holds 20.00 of the 60.00 in 41 bins: over 5 times the mean, so high value too.
    assert codes == [("C-00", "count plan, class C"), ("S-01", "count plan, class A: high value")]
    assert queued == 2


def test_a_bin_counted_within_its_interval_is_not_planned(tenant_a):
    shelf = Shelf(tenant_a)
    _segment(tenant_a, shelf.item, shelf.site, "A")
    count = shelf.count(shelf.open(), {shelf.item: 10})
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
    assert plan_counts_task.run(tenant_a.pk) == 0


def test_bins_with_a_variance_history_or_high_value_are_planned_as_a_and_first(tenant_a):
    """S-01 (10 WIDGET at 2.00, never segmented: C) was counted 40 days ago 3 short, beyond
        the zero tolerance; H-01 holds 1 GOLD at 1000.00, of the site's 1053 in 41 bins (at least
    5 times the mean of 25.68: high value; S-01's 14.00 is not);
        A-01 holds 1 of a class A item; C-00..C-37 hold 1 at 1.00 each.

        A bins: S-01 (variance), H-01 (value), A-01: ceil(3 * 12 / 365) = 1 a night, S-01 first.
        C bins: the 38 C-xx: ceil(38 / 365) = 1, C-00 (never counted, lowest id).
        The next night S-01's count is still open: H-01 (value) before A-01, and C-01.
    """
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 7})
    count = shelf.count(count, {shelf.item: 7}, number=2)
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        then = timezone.now() - datetime.timedelta(days=40)
        Count.objects.filter(pk=count.pk).update(created_at=then, decided_at=then)
    receive(tenant_a, ItemFactory(tenant=tenant_a, sku="GOLD"), BinFactory(zone=shelf.zone, code="H-01"), 1, unit_cost="1000.00")  # fmt: skip
    a_item = ItemFactory(tenant=tenant_a)
    _segment(tenant_a, a_item, shelf.site, "A")
    receive(tenant_a, a_item, BinFactory(zone=shelf.zone, code="A-01"), 1)
    for number in range(38):
        bin = BinFactory(zone=shelf.zone, code=f"C-{number:02d}")
        receive(tenant_a, ItemFactory(tenant=tenant_a), bin, 1)

    today = timezone.localdate()
    with tenant_context(tenant_a):
        first = plans.plan_counts(tenant=tenant_a, today=today)
        again = plans.plan_counts(tenant=tenant_a, today=today)
        second = plans.plan_counts(tenant=tenant_a, today=today + datetime.timedelta(days=1))
    assert [(c.location.code, c.reason) for c in first] == [
        ("S-01", "count plan, class A: variance history"),
        ("C-00", "count plan, class C"),
    ]
    assert again == []
    assert [(c.location.code, c.reason) for c in second] == [
        ("H-01", "count plan, class A: high value"),
        ("C-01", "count plan, class C"),
    ]


def test_without_risk_the_plan_keeps_to_the_abc_class(tenant_a):
    """The same A-01 and 40 C bins with nothing off or valuable: A-01, then C-00."""
    shelf = Shelf(tenant_a, stock=0)
    a_item = ItemFactory(tenant=tenant_a)
    _segment(tenant_a, a_item, shelf.site, "A")
    receive(tenant_a, a_item, BinFactory(zone=shelf.zone, code="A-01"), 1)
    for number in range(40):
        bin = BinFactory(zone=shelf.zone, code=f"C-{number:02d}")
        receive(tenant_a, ItemFactory(tenant=tenant_a), bin, 1)
    with tenant_context(tenant_a):
        planned = plans.plan_counts(tenant=tenant_a)
    assert [(c.location.code, c.reason) for c in planned] == [
        ("A-01", "count plan, class A"),
        ("C-00", "count plan, class C"),
    ]


def test_the_settings_page_states_the_risk_rule_the_plan_uses(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    page = client.get(reverse("warehouse:count_settings")).content.decode()
    assert "in the last 90 days" in page and "at least 5 times the site" in page
    with tenant_context(tenant_a):
        CountSettings.objects.create(tenant=tenant_a, variance_days=30, high_value_multiple=8)
    page = client.get(reverse("warehouse:count_settings")).content.decode()
    assert "in the last 30 days" in page and "at least 8 times the site" in page


def test_the_plan_uses_the_tenants_risk_settings(tenant_a):
    """As above, but variance history is kept 30 days and high value is 50 times the mean:
    S-01's variance 40 days ago no longer counts, nor H-01's 1000.00 (38.9 times the mean
    of 25.68). A bins: A-01 alone, ceil(12 / 365) = 1. C bins: S-01, H-01, C-00..C-37 (40):
    ceil(40 / 365) = 1; S-01 was counted within the C interval of 365 days, so H-01, never
    counted and the lowest id of the rest."""
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 7})
    count = shelf.count(count, {shelf.item: 7}, number=2)
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        then = timezone.now() - datetime.timedelta(days=40)
        Count.objects.filter(pk=count.pk).update(created_at=then, decided_at=then)
        CountSettings.objects.create(tenant=tenant_a, variance_days=30, high_value_multiple=50)
    receive(tenant_a, ItemFactory(tenant=tenant_a, sku="GOLD"), BinFactory(zone=shelf.zone, code="H-01"), 1, unit_cost="1000.00")  # fmt: skip
    a_item = ItemFactory(tenant=tenant_a)
    _segment(tenant_a, a_item, shelf.site, "A")
    receive(tenant_a, a_item, BinFactory(zone=shelf.zone, code="A-01"), 1)
    for number in range(38):
        bin = BinFactory(zone=shelf.zone, code=f"C-{number:02d}")
        receive(tenant_a, ItemFactory(tenant=tenant_a), bin, 1)
    with tenant_context(tenant_a):
        planned = plans.plan_counts(tenant=tenant_a)
    assert [(c.location.code, c.reason) for c in planned] == [
        ("A-01", "count plan, class A"),
        ("H-01", "count plan, class C"),
    ]
