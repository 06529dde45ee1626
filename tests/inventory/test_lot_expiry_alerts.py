"""Lots in stock expiring within the tenant's window (Settings > Alerts) raise an alert."""

from __future__ import annotations

import datetime

import pytest

from erp.alerts.models import AlertSettings
from erp.tenancy import tenant_context
from inventory.alerts import expiring_lots
from tests.factories import ItemFactory, LotFactory, bin_in
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def lot_in_stock(tenant, *, expires_in_days, quantity=40, status="available"):
    item = ItemFactory(tenant=tenant, sku="MILK-1", tracking="lot")
    lot = LotFactory(
        item=item, code="L-MILK", expiry_date=datetime.date(2026, 11, 30)
        + datetime.timedelta(days=expires_in_days),
    )  # fmt: skip
    if quantity:
        receive(tenant, item, bin_in(tenant), quantity, lot=lot, status=status)
    return lot


def find(tenant):
    with tenant_context(tenant):
        return expiring_lots(tenant=tenant, now=NOW)


def test_a_lot_expiring_within_the_default_30_days_is_found(tenant_a):
    lot = lot_in_stock(tenant_a, expires_in_days=10)
    (finding,) = find(tenant_a)
    assert finding.subject == f"lot:{lot.pk}"
    assert finding.message == "Lot L-MILK of MILK-1 expires in 10 days (2026-12-10): 40 in stock"


def test_the_tenant_window_decides(tenant_a):
    lot_in_stock(tenant_a, expires_in_days=10)
    with tenant_context(tenant_a):
        AlertSettings.objects.create(tenant=tenant_a, lot_expiry_days=7)
    assert find(tenant_a) == []


def test_an_expired_lot_still_in_stock_is_found_and_one_out_of_stock_is_not(tenant_a):
    lot_in_stock(tenant_a, expires_in_days=-2, status="expired")
    assert [f.message for f in find(tenant_a)] == [
        "Lot L-MILK of MILK-1 expired 2 days ago (2026-11-28): 40 in stock"
    ]


def test_a_lot_with_no_stock_is_not_found(tenant_a):
    lot_in_stock(tenant_a, expires_in_days=3, quantity=0)
    assert find(tenant_a) == []


def test_the_window_is_bounded(tenant_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        AlertSettings(tenant=tenant_a, lot_expiry_days=0).full_clean(exclude=["tenant"])
    with pytest.raises(ValidationError):
        AlertSettings(tenant=tenant_a, lot_expiry_days=366).full_clean(exclude=["tenant"])
