"""A count variance in the write-off register names the counter as requester and the
supervisor who approved it, and the count's page shows both and that they differ."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from tests.inventory.pages import rows
from tests.warehouse.counting import Shelf
from warehouse.counting import services
from warehouse.models import Count, CountSettings

pytestmark = pytest.mark.django_db


def test_count_variance_in_the_register_and_on_the_count_page(client, tenant_a):
    with tenant_context(tenant_a):
        CountSettings.objects.create(
            tenant=tenant_a, quantity_tolerance=Decimal(5), value_tolerance=Decimal(100)
        )
    shelf = Shelf(tenant_a)  # 10 at 2.00
    count = shelf.count(shelf.open(), {shelf.item: 8})
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
    client.force_login(member(tenant_a, Role.FINANCE))
    response = client.get(reverse("finance:write_off_register"), {"reason": "count_variance"})
    [row] = rows(response)
    # Two missing at 2.00.
    assert (row["quantity"], row["value"]) == (Decimal(-2), Decimal("-4.00"))
    assert (row["requested_by"], row["approved_by"]) == (
        shelf.counter.email,
        shelf.supervisor.email,
    )
    client.force_login(shelf.supervisor)
    page = client.get(reverse("warehouse:count_detail", args=[count.pk])).content.decode()
    assert f"Counted by <strong>{shelf.counter.email}</strong>" in page
    assert f"Approved by <strong>{shelf.supervisor.email}</strong>" in page
    assert 'data-separate="yes"' in page


def test_counts_of_several_bins_in_one_posting_give_one_row_per_leg(client, tenant_a):
    """The scale seed documents a count posting of many bins with one count per bin: each leg
    names the count of its own bin, not every count of the posting."""
    with tenant_context(tenant_a):
        CountSettings.objects.create(
            tenant=tenant_a, quantity_tolerance=Decimal(5), value_tolerance=Decimal(100)
        )
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 7})
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        count.refresh_from_db()
        beside = services.open_count(
            tenant=tenant_a, user=shelf.supervisor, location=shelf.other, reason="cycle count"
        )
        Count.objects.filter(pk=beside.pk).update(
            transaction=count.transaction, note="same posting, other bin"
        )
    client.force_login(member(tenant_a, Role.FINANCE))
    response = client.get(reverse("finance:write_off_register"))
    [row] = rows(response)
    assert (row["quantity"], row["value"], row["document_id"]) == (
        Decimal(-3), Decimal("-6.00"), count.pk,
    )  # fmt: skip
    assert response.context["figures"]["entries"] == 1
