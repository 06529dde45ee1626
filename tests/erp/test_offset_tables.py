"""Numbered tables (build_table without keyset) count their rows once per request, and not at
all when the page's figures already carry the count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from erp.tables import Column, build_table
from erp.tenancy import tenant_context
from inventory.models import Item
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _table(tenant, **kwargs):
    request = RequestFactory().get("/items/", {"page": "2"})
    request.tenant = tenant
    table = build_table(
        request,
        name="items",
        queryset=Item.objects.filter(tenant=tenant),
        columns=[Column("SKU", "sku", value="sku")],
        row_template="inventory/items/_row.html",
        default_sort="sku",
        per_page=2,
        **kwargs,
    )
    return table.fetch()


def _counts(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT COUNT(*)"))


def test_one_count_per_request(tenant_a):
    for sku in ("A1", "A2", "A3", "A4", "A5"):
        ItemFactory(tenant=tenant_a, sku=sku)
    with tenant_context(tenant_a), CaptureQueriesContext(connection) as queries:
        table = _table(tenant_a)
    assert [item.sku for item in table.page] == ["A3", "A4"]
    assert table.page.paginator.count == 5
    assert _counts(queries.captured_queries) == 1


def test_figures_carry_the_count(tenant_a):
    for sku in ("B1", "B2", "B3"):
        ItemFactory(tenant=tenant_a, sku=sku)
    with tenant_context(tenant_a), CaptureQueriesContext(connection) as queries:
        table = _table(tenant_a, figures=lambda rows: {"rows": 3})
    assert [item.sku for item in table.page] == ["B3"]
    assert table.page.paginator.num_pages == 2
    assert _counts(queries.captured_queries) == 0
