"""The adjustment threshold caps what one supervisor posts without a second person for one
item and bin in a day, not each piece: ten small removals cannot slip under it one by one,
not even at the same moment (issue 9 finding 10)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, InventorySettings, StockEntry
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive


def _setup(tenant, *, threshold="500"):
    item = ItemFactory(tenant=tenant, standard_cost=Decimal("3.00"))
    bin = bin_in(tenant, code="A-01-01")
    receive(tenant, item, bin, 1000, unit_cost="3.00")
    with tenant_context(tenant):
        InventorySettings.objects.create(
            tenant=tenant, adjustment_approval_threshold=Decimal(threshold)
        )
    return item, bin


def _adjust(client, item, bin, quantity, reason="lost"):
    return client.post(
        reverse("inventory:adjustment_create"),
        {"site": bin.site_id, "bin": bin.code, "item": item.sku, "quantity": quantity,
         "status": "available", "reason_code": reason},
    )  # fmt: skip


def _states(tenant) -> list[str]:
    with tenant_context(tenant):
        return list(Adjustment.objects.order_by("id").values_list("state", flat=True))


@pytest.mark.django_db
def test_ten_removals_of_25_post_until_the_day_sum_passes_the_threshold(client, tenant_a):
    """-25 x 3.00 = 75 each: six make 450, the seventh would make 525 and waits."""
    item, bin = _setup(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    for _ in range(10):
        assert _adjust(client, item, bin, "-25").status_code == 302
    assert _states(tenant_a) == ["posted"] * 6 + ["pending"] * 4
    assert on_hand(tenant_a, item, bin) == 1000 - 6 * 25
    with tenant_context(tenant_a):
        assert StockEntry.objects.filter(transaction__kind="adjustment").count() == 12
    assert_ledger_clean(tenant_a)


@pytest.mark.django_db
def test_the_day_sum_is_per_user_item_and_bin(client, tenant_a):
    item, bin = _setup(tenant_a)
    other_bin = bin_in(tenant_a, code="A-01-02", site=bin.site)
    receive(tenant_a, item, other_bin, 1000, unit_cost="3.00")
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert _adjust(client, item, bin, "-150").status_code == 302  # 450
    assert _adjust(client, item, other_bin, "-150").status_code == 302  # another bin: 450
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert _adjust(client, item, bin, "-150").status_code == 302  # another user: 450
    assert _states(tenant_a) == ["posted"] * 3


@pytest.mark.django_db
def test_found_and_lost_in_one_day_count_by_their_sum(client, tenant_a):
    item, bin = _setup(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _adjust(client, item, bin, "-150")  # -450
    _adjust(client, item, bin, "150", reason="found")  # 0
    _adjust(client, item, bin, "-150")  # -450
    _adjust(client, item, bin, "-20")  # -510: waits
    assert _states(tenant_a) == ["posted", "posted", "posted", "pending"]


@pytest.mark.django_db
def test_yesterdays_adjustments_and_approved_ones_do_not_count(client, tenant_a):
    item, bin = _setup(tenant_a)
    requester = member(tenant_a, Role.SUPERVISOR)
    client.force_login(requester)
    _adjust(client, item, bin, "-150")  # 450, posted at once
    with tenant_context(tenant_a):
        yesterday = timezone.now() - datetime.timedelta(days=1)
        Adjustment.objects.update(requested_at=yesterday)
    _adjust(client, item, bin, "-200")  # 600 on its own: waits
    with tenant_context(tenant_a):
        pending = Adjustment.objects.get(state="pending")
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert (
        client.post(
            reverse("inventory:adjustment_decide", args=[pending.pk]), {"decision": "approve"}
        ).status_code
        == 302
    )
    client.force_login(requester)
    _adjust(client, item, bin, "-150")  # the approved 600 was seen by a second person
    assert _states(tenant_a) == ["posted", "posted", "posted"]
    assert on_hand(tenant_a, item, bin) == 1000 - 500
    assert_ledger_clean(tenant_a)


@pytest.mark.django_db
def test_the_day_starts_at_midnight_in_the_tenants_time_zone(client, tenant_a):
    """At 23:30 in Auckland the UTC date is still yesterday's; 12:30 that day counts."""
    item, bin = _setup(tenant_a)
    tenant_a.time_zone = "Pacific/Auckland"
    tenant_a.save(update_fields=["time_zone"])
    user = member(tenant_a, Role.SUPERVISOR)
    client.force_login(user)
    _adjust(client, item, bin, "-150")
    import zoneinfo

    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    local_now = timezone.now().astimezone(auckland)
    morning = local_now.replace(hour=0, minute=1, second=0, microsecond=0)
    with tenant_context(tenant_a):
        Adjustment.objects.update(requested_at=morning)
    _adjust(client, item, bin, "-150")  # same local day: 900
    with tenant_context(tenant_a):
        Adjustment.objects.filter(state="pending").delete()
        Adjustment.objects.update(requested_at=morning - datetime.timedelta(minutes=2))
    _adjust(client, item, bin, "-150")  # the first one was yesterday there
    assert _states(tenant_a) == ["posted", "posted"]


@pytest.mark.django_db(transaction=True)
def test_two_adjustments_at_the_same_moment_cannot_both_slip_under(tenant_a):
    """Each is 300, under 500 alone; together 600. Exactly one posts, the other waits."""
    item, bin = _setup(tenant_a)
    user = member(tenant_a, Role.SUPERVISOR)
    barrier, answers, errors = threading.Barrier(4), [], []

    def browser():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            answers.append(_adjust(client, item, bin, "-100").status_code)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=browser) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and answers == [302] * 4
    assert sorted(_states(tenant_a)) == ["pending"] * 3 + ["posted"]
    assert on_hand(tenant_a, item, bin) == 900
    assert_ledger_clean(tenant_a)
