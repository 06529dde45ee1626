"""Inventory's lists cost the same statements for a page of one row as for a page of many:
every row's relations come with the page, never a query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.roles import Role
from tests.factories import ItemFactory, ItemUnitFactory, LotFactory, SerialFactory, bin_in
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db

PATHS = ["/items", "/sites", "/bins", "/stock", "/ledger-entries"]


@pytest.mark.parametrize("path", PATHS)
def test_a_page_of_many_rows_costs_what_a_page_of_one_does(tenant_a, api_as, path):
    for n in range(6):
        item = ItemFactory(tenant=tenant_a, tracking="lot")
        ItemUnitFactory(item=item)
        receive(tenant_a, item, bin_in(tenant_a), n + 1, lot=LotFactory(item=item))
    serial = SerialFactory(item=ItemFactory(tenant=tenant_a, tracking="serial"))
    receive(tenant_a, serial.item, bin_in(tenant_a), 1, serial=serial)
    api = api_as(tenant_a, Role.ADMIN)
    api.get(path, limit=1)  # the token's first use is recorded once

    def statements(limit: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path, limit=limit)
        assert response.status_code == 200, response.content
        return len(response.json()["items"]), len(captured.captured_queries)

    (one_row, one), (rows, many) = statements(1), statements(20)
    assert one_row == 1 and rows >= 6
    assert one == many, (path, one, many)
