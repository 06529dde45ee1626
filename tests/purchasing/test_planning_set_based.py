"""The run is set-based: its statement count does not grow with the item-sites (one figures
query, one delete, one insert batch with its history), and it holds the tenant's advisory lock
so that two runs of one tenant never overlap."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.tenancy import tenant_context
from purchasing.models import PlanningRun
from purchasing.planning import run as planning
from tests.factories import ItemFactory, bin_in
from tests.purchasing.planning import AS_OF, alternate, sells, stock

pytestmark = pytest.mark.django_db


def _statements(tenant) -> tuple[int, int, list[str]]:
    with tenant_context(tenant):
        job = PlanningRun.objects.create(tenant=tenant)
        with CaptureQueriesContext(connection) as queries:
            made = planning.run_planning(tenant=tenant, run=job, as_of=AS_OF)
    return len(queries), len(made), [q["sql"] for q in queries]


def _item(tenant, shop, sku):
    item = ItemFactory(tenant=tenant, sku=sku)
    sells(shop["supplier"], item, pack="10")
    # 45 received, 40 shipped: 5 left, below a reorder point of about 23.
    stock(tenant, item, shop["bin"], 45)
    alternate(tenant, item, shop["bin"], 6, 14, days=4)
    return item


def test_the_statement_count_does_not_grow_with_the_items(tenant_a, shop):
    stock(tenant_a, shop["item"], shop["bin"], 330)
    alternate(tenant_a, shop["item"], shop["bin"], 6, 14)
    one, made_one, _ = _statements(tenant_a)
    for n in range(4):
        _item(tenant_a, shop, f"MORE-{n}")
    other_site_bin = bin_in(tenant_a)
    stock(tenant_a, shop["item"], other_site_bin, 5)

    five, made_five, sql = _statements(tenant_a)

    # Five purchases, and the 5 spare at the new site transferred to MAIN first.
    assert (made_one, made_five) == (1, 6)
    assert five == one
    assert any("pg_advisory_xact_lock" in s for s in sql)
