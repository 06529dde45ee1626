"""A move between two virtual locations carries value only when the caller names its unit
cost (goods in transit written off at the cost they left with); no site's cost layers change
either way, and the transaction's values sum to zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import CostLayer, LocationKind, StockEntry
from tests.factories import ItemFactory
from tests.inventory.stock import assert_ledger_clean

pytestmark = pytest.mark.django_db


def _move(tenant, item, unit_cost):
    with tenant_context(tenant):
        posting = ledger.post(
            tenant=tenant, user=None, kind="adjustment",
            moves=[ledger.Move(
                item=item, quantity=Decimal(3),
                source=ledger.virtual_location(tenant=tenant, kind=LocationKind.IN_TRANSIT),
                destination=ledger.virtual_location(tenant=tenant, kind=LocationKind.ADJUSTMENT),
                unit_cost=unit_cost,
            )],
        )  # fmt: skip
        return sorted(
            StockEntry.objects.filter(transaction_id=posting.pk).values_list("value", flat=True)
        )


def test_a_named_cost_values_the_move(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    assert _move(tenant_a, item, Decimal("2.50")) == [Decimal("-7.5000"), Decimal("7.5000")]
    with tenant_context(tenant_a):
        assert not CostLayer.objects.filter(item=item).exists()
    assert_ledger_clean(tenant_a)


def test_without_a_cost_nothing_is_valued(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    assert _move(tenant_a, item, None) == [Decimal(0), Decimal(0)]
    assert_ledger_clean(tenant_a)
