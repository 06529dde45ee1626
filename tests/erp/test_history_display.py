"""History in words: choice fields by their labels, related objects by their names (fetched
in one query per kind, not per row), dates in the tenant's format and time zone."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.history import changes
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, InventorySettings, Location
from inventory.services import adjustments
from tests.factories import ItemFactory, bin_in, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(tenant_a):
    """A large adjustment asked by one supervisor and rejected by another."""
    item = ItemFactory(tenant=tenant_a, sku="TEA-100", standard_cost=Decimal("10.00"))
    bin = bin_in(tenant_a, code="A-01-01")
    asker = member(tenant_a, Role.SUPERVISOR, user__full_name="Ann Asker")
    decider = member(tenant_a, Role.SUPERVISOR, user__full_name="Dora Decider")
    with tenant_context(tenant_a):
        InventorySettings.objects.create(
            tenant=tenant_a, adjustment_approval_threshold=Decimal("100")
        )
        adjustment = adjustments.request_adjustment(
            tenant=tenant_a, user=asker, item=item, quantity=Decimal("20"), reason_code="found",
            location=Location.objects.get(tenant=tenant_a, bin=bin),
        )  # fmt: skip
        adjustments.reject_adjustment(
            tenant=tenant_a, user=decider, adjustment=adjustment, note="recount first"
        )
        adjustment = Adjustment.objects.get(pk=adjustment.pk)
        # Pin the moments (and who, as a signed-in request would record) so the page's
        # time can be written out by hand.
        adjustment.history.filter(history_type="+").update(
            history_date=datetime.datetime(2026, 1, 15, 3, 0, tzinfo=datetime.UTC),
            history_user=asker,
        )
        adjustment.history.filter(history_type="~").update(
            history_date=datetime.datetime(2026, 1, 15, 3, 30, tzinfo=datetime.UTC),
            history_user=decider,
        )
    return adjustment


def test_history_shows_choice_labels_and_the_names_of_users(client, tenant_a, rejected):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    page = client.get(reverse("inventory:adjustment_detail", args=[rejected.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        'State: <span class="old">Awaiting approval</span> → <span class="new">Rejected</span>'
        in text
    )
    assert 'Decided by: <span class="old">—</span> → <span class="new">Dora Decider</span>' in text
    assert ">pending<" not in text


def test_history_dates_are_in_the_tenants_time_zone_and_format(client, tenant_a, rejected):
    tenant_a.time_zone, tenant_a.date_format = "America/Chicago", "d/m/Y"
    tenant_a.save()
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    page = client.get(reverse("inventory:adjustment_detail", args=[rejected.pk]))
    # 03:30 UTC on 15 January is 21:30 the evening before in Chicago (UTC-6 in winter).
    assert "14/01/2026 21:30 CST" in page.content.decode()


def test_names_are_fetched_once_per_kind_not_per_change(
    tenant_a, rejected, django_assert_num_queries
):
    with tenant_context(tenant_a), django_assert_num_queries(2):  # the records, then the users
        history = changes(rejected)
    rejection = history[0]
    assert rejection.user.full_name == "Dora Decider"
    assert {"label": "Decided by", "old": "—", "new": "Dora Decider"} in rejection.fields


def test_a_row_loaded_without_its_history_shows_its_page_without_changes(client, tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="BULK-1")
    with tenant_context(tenant_a):
        item.history.all().delete()  # as a bulk load that bypassed the history leaves it

        assert changes(item) == []

    client.force_login(member(tenant_a, Role.ADMIN))
    page = client.get(reverse("inventory:item_detail", args=[item.pk]))
    assert page.status_code == 200
    assert "BULK-1" in page.content.decode()
