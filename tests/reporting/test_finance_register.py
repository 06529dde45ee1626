"""Finance: the adjustment and write-off register (totals by reason hand-computed), the
landing's counts of documents awaiting approval, and segregation of duties shown on approved
documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import InventorySettings, LocationKind
from inventory.services.adjustments import OwnRequest, approve_adjustment, request_adjustment
from reporting import finance
from tests.factories import ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import htmx_get, loc, post_move, receive_at, rows, utc

pytestmark = pytest.mark.django_db

URL = reverse("finance:write_off_register")


def _adjust(tenant, user, item, bin, quantity, reason):
    with tenant_context(tenant):
        return request_adjustment(
            tenant=tenant, user=user, item=item, location=loc(bin),
            quantity=Decimal(quantity), reason_code=reason,
        )  # fmt: skip


@pytest.fixture
def books(tenant_a, tenant_b):
    """Threshold 100. COLA (drinks, 2.00) at NORTH, BOLT (hardware, 30.00) at SOUTH.
    Posted this month: COLA -2 damaged (-4.00, at once), COLA +1 found (+2.00, at once),
    BOLT -4 lost (-120.00, approved by a second supervisor), COLA 1 scrapped (-2.00, no
    document). Waiting: BOLT -5 lost (150.00). Tenant B: one write-off of its own."""
    with tenant_context(tenant_a):
        InventorySettings.objects.create(
            tenant=tenant_a, adjustment_approval_threshold=Decimal("100")
        )
    north = SiteFactory(tenant=tenant_a, code="NORTH")
    south = SiteFactory(tenant=tenant_a, code="SOUTH")
    n1, s1 = bin_in(tenant_a, site=north), bin_in(tenant_a, site=south)
    cola = ItemFactory(tenant=tenant_a, sku="COLA", category="drinks")
    bolt = ItemFactory(tenant=tenant_a, sku="BOLT", category="hardware")
    receive_at(tenant_a, cola, n1, 10, "2.00", utc("2025-01-10 12:00"))
    receive_at(tenant_a, bolt, s1, 20, "30.00", utc("2025-01-10 12:00"))
    asker = member(tenant_a, Role.SUPERVISOR, user__email="asker@example.com")
    approver = member(tenant_a, Role.SUPERVISOR, user__email="approver@example.com")
    damaged = _adjust(tenant_a, asker, cola, n1, "-2", "damaged")
    _adjust(tenant_a, asker, cola, n1, "1", "found")
    lost = _adjust(tenant_a, asker, bolt, s1, "-4", "lost")
    with tenant_context(tenant_a):
        approve_adjustment(tenant=tenant_a, user=approver, adjustment=lost)
    waiting = _adjust(tenant_a, asker, bolt, s1, "-5", "lost")
    post_move(tenant_a, cola, n1, LocationKind.SCRAP, 1, kind="scrap")
    theirs = ItemFactory(tenant=tenant_b, sku="THEIRS")
    their_bin = bin_in(tenant_b)
    receive_at(tenant_b, theirs, their_bin, 5, "7.00", utc("2025-01-10 12:00"))
    post_move(tenant_b, theirs, their_bin, LocationKind.SCRAP, 5, kind="scrap")
    return {"north": north, "south": south, "asker": asker, "approver": approver,
            "lost": lost, "waiting": waiting, "damaged": damaged}  # fmt: skip


@pytest.fixture
def finance_client(client, tenant_a):
    client.force_login(member(tenant_a, Role.FINANCE))
    return client


def _found(response) -> list[tuple]:
    return sorted(
        (r["site_code"], r["sku"], r["quantity"], r["value"], r["reason"],
         r["requested_by"], r["approved_by"])
        for r in rows(response)
    )  # fmt: skip


def test_register_lists_every_write_off_with_who_asked_and_who_approved(finance_client, books):
    response = finance_client.get(URL)
    assert response.status_code == 200
    assert _found(response) == [
        ("NORTH", "COLA", -2, Decimal("-4.00"), "damaged", "asker@example.com", None),
        ("NORTH", "COLA", -1, Decimal("-2.00"), "other", None, None),
        ("NORTH", "COLA", 1, Decimal("2.00"), "found", "asker@example.com", None),
        ("SOUTH", "BOLT", -4, Decimal("-120.00"), "lost", "asker@example.com",
         "approver@example.com"),
    ]  # fmt: skip
    text = response.content.decode()
    assert "THEIRS" not in text  # another tenant's scrap
    assert "approver@example.com" in text and "no second person" in text
    # Finance may not open adjustments (the adjusters' pages): the row names the document and
    # links to its posting in the ledger, which finance reads.
    with tenant_context(books["south"].tenant):
        lost = type(books["lost"]).objects.get(pk=books["lost"].pk)  # approved: posted since
    assert f"ADJ-{lost.pk}" in text
    assert reverse("inventory:adjustment_detail", args=[lost.pk]) not in text
    assert reverse("inventory:transaction_detail", args=[lost.transaction_id]) in text


def test_a_first_visit_shows_this_month_only(finance_client, books, tenant_a):
    """No query at all is this month, as the form says: not the whole history."""
    cola = ItemFactory(tenant=tenant_a, sku="OLD")
    old_bin = bin_in(tenant_a, site=books["north"])
    receive_at(tenant_a, cola, old_bin, 3, "5.00", utc("2025-01-10 12:00"))
    post_move(tenant_a, cola, old_bin, LocationKind.SCRAP, 3, kind="scrap",
              at=utc("2025-01-20 12:00"))  # fmt: skip
    first = finance_client.get(URL)
    assert "OLD" not in [r["sku"] for r in rows(first)]
    assert first.context["figures"]["start"] == timezone.localdate().replace(day=1)
    january = finance_client.get(URL, {"start": "2025-01-01", "end": "2025-01-31"})
    assert [(r["sku"], r["value"]) for r in rows(january)] == [("OLD", Decimal("-15.00"))]


def test_register_totals_by_reason(finance_client, books):
    figures = finance_client.get(URL).context["figures"]
    by_reason = [(r["reason"], r["entries"], r["value"]) for r in figures["by_reason"]]
    # Largest loss first: lost -120, damaged -4, other -2, found +2.
    assert by_reason == [
        ("lost", 1, Decimal("-120.00")),
        ("damaged", 1, Decimal("-4.00")),
        ("other", 1, Decimal("-2.00")),
        ("found", 1, Decimal("2.00")),
    ]
    assert figures["value"] == Decimal("-124.00")  # -120 - 4 - 2 + 2
    assert figures["written_off"] == Decimal("-126.00")
    assert figures["entries"] == 4


def test_register_filters_by_site_reason_category_and_user(finance_client, books):
    south = finance_client.get(URL, {"site": books["south"].pk})
    assert [r["sku"] for r in rows(south)] == ["BOLT"]
    assert south.context["figures"]["value"] == Decimal("-120.00")
    damaged = finance_client.get(URL, {"reason": "damaged"})
    assert [(r["sku"], r["value"]) for r in rows(damaged)] == [("COLA", Decimal("-4.00"))]
    drinks = finance_client.get(URL, {"category": "drinks"})
    assert drinks.context["figures"]["value"] == Decimal("-4.00")  # -4 - 2 + 2
    by_approver = finance_client.get(URL, {"user": books["approver"].pk})
    assert [r["reason"] for r in rows(by_approver)] == ["lost"]
    last_year = finance_client.get(URL, {"start": "2024-01-01", "end": "2024-12-31"})
    assert rows(last_year) == [] and last_year.context["figures"]["value"] == 0


@pytest.mark.parametrize(
    "query,message",
    [
        ({"start": "2025-02-30", "end": "2025-03-01"}, "Enter a valid date"),
        ({"start": "2025-03-02", "end": "2025-03-01"}, "ends before it starts"),
        ({"reason": "bogus"}, "Select a valid choice"),
        ({"site": "x"}, "Select a valid choice"),
    ],
)
def test_register_junk_filters_get_a_clear_message(finance_client, books, query, message):
    response = finance_client.get(URL, query)
    assert response.status_code == 200
    assert rows(response) == []
    assert message in response.content.decode()


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.PLANNER])
def test_register_is_for_finance_and_admins(client, tenant_a, role):
    client.force_login(member(tenant_a, role))
    assert client.get(URL).status_code == 403
    client.force_login(member(tenant_a, Role.ADMIN))
    assert client.get(URL).status_code == 200


def test_another_tenants_site_is_no_filter_choice(finance_client, books, tenant_b):
    theirs = SiteFactory(tenant=tenant_b)
    response = finance_client.get(URL, {"site": theirs.pk})
    assert rows(response) == [] and "Select a valid choice" in response.content.decode()


def test_finance_landing_counts_documents_awaiting_approval(books, tenant_a, tenant_b):
    with tenant_context(tenant_a):
        assert finance.adjustments_awaiting_approval(tenant=tenant_a) == 1  # BOLT -5
        assert finance.credits_awaiting_approval(tenant=tenant_a) == 0
    with tenant_context(tenant_b):
        assert finance.adjustments_awaiting_approval(tenant=tenant_b) == 0


def test_approved_adjustment_shows_both_people_and_self_approval_is_refused(
    client, books, tenant_a
):
    client.force_login(books["asker"])
    text = client.get(reverse("inventory:adjustment_detail", args=[books["lost"].pk]))
    text = text.content.decode()
    assert "Requested by <strong>asker@example.com</strong>" in text
    assert "Approved by <strong>approver@example.com</strong>" in text
    assert 'data-separate="yes"' in text and "the approver is not the requester" in text
    # Within the threshold nobody else approved: no approval line claims one.
    small = client.get(reverse("inventory:adjustment_detail", args=[books["damaged"].pk]))
    assert 'class="approval"' not in small.content.decode()
    with tenant_context(tenant_a), pytest.raises(OwnRequest) as refused:
        approve_adjustment(tenant=tenant_a, user=books["asker"], adjustment=books["waiting"])
    assert "another supervisor must approve it" in str(refused.value)


def test_htmx_filtering_swaps_the_rows_and_the_totals(finance_client, books):
    response = htmx_get(finance_client, URL, "register-results", {"reason": "lost"})
    text = response.content.decode()
    assert "<html" not in text and 'id="register-results"' in text
    assert 'id="register-totals" class="panel" hx-swap-oob="true"' in text
    assert "BOLT" in text and "COLA" not in text
