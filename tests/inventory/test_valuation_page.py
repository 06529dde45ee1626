"""Valuation page: value as of the end of a date by site and category (in each site's time
zone), down to items and their present cost layers, for finance and admins only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import CostingMethod, CostLayer
from tests.factories import ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import htmx_get, post_move, receive_at, rows, ship_at, utc
from tests.inventory.stock import assert_ledger_clean

pytestmark = pytest.mark.django_db

URL = reverse("inventory:valuation")


@pytest.fixture
def finance_client(client, tenant_a):
    client.force_login(member(tenant_a, Role.FINANCE))
    return client


@pytest.fixture
def books(tenant_a):
    """Chicago (UTC-6 in March): FIFO cola received at 2.00 then 3.00, moved, partly shipped;
    moving-average chips. Berlin (UTC+1): one cola receipt just after its midnight."""
    chi = SiteFactory(tenant=tenant_a, code="CHI", time_zone="America/Chicago")
    ber = SiteFactory(tenant=tenant_a, code="BER", time_zone="Europe/Berlin")
    c1, c2 = bin_in(tenant_a, site=chi), bin_in(tenant_a, site=chi)
    b1 = bin_in(tenant_a, site=ber)
    cola = ItemFactory(tenant=tenant_a, sku="COLA", category="drinks")
    chips = ItemFactory(
        tenant=tenant_a, sku="CHIPS", category="snacks", costing_method=CostingMethod.AVERAGE
    )
    receive_at(tenant_a, cola, c1, 10, "2.00", utc("2025-03-01 15:00"))
    # 21:00 on 5 March in Chicago, already 6 March in UTC.
    receive_at(tenant_a, cola, c1, 10, "3.00", utc("2025-03-06 03:00"))
    post_move(tenant_a, cola, c1, c2, 15, at=utc("2025-03-07 15:00"))
    # FIFO: the 10 at 2.00, then 5 of the 3.00 layer = 35.00 out.
    ship_at(tenant_a, cola, c2, 15, utc("2025-03-10 15:00"))
    receive_at(tenant_a, chips, c1, 10, "1.00", utc("2025-03-02 15:00"))
    receive_at(tenant_a, chips, c1, 10, "2.00", utc("2025-03-03 15:00"))
    # Average 1.50: 4 out = 6.00.
    ship_at(tenant_a, chips, c1, 4, utc("2025-03-04 15:00"))
    # 00:30 on 6 March in Berlin, still 5 March in UTC.
    receive_at(tenant_a, cola, b1, 1, "5.00", utc("2025-03-05 23:30"))
    return {"chi": chi, "ber": ber, "cola": cola, "chips": chips}


def _groups(response) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    return {
        (row["site__code"], row["item__category"]): (row["quantity"], row["value"])
        for row in rows(response)
    }


@pytest.mark.parametrize(
    "as_of,expected",
    [
        ("2025-02-28", {}),
        ("2025-03-01", {("CHI", "drinks"): (10, 20)}),
        ("2025-03-03", {("CHI", "drinks"): (10, 20), ("CHI", "snacks"): (20, 30)}),
        ("2025-03-04", {("CHI", "drinks"): (10, 20), ("CHI", "snacks"): (16, 24)}),
        ("2025-03-05", {("CHI", "drinks"): (20, 50), ("CHI", "snacks"): (16, 24)}),
        (
            "2025-03-06",
            {("BER", "drinks"): (1, 5), ("CHI", "drinks"): (20, 50), ("CHI", "snacks"): (16, 24)},
        ),
        (
            "2025-03-10",
            {("BER", "drinks"): (1, 5), ("CHI", "drinks"): (5, 15), ("CHI", "snacks"): (16, 24)},
        ),
    ],
)
def test_value_as_of_the_end_of_a_day_in_each_sites_time_zone(
    finance_client, books, as_of, expected
):
    response = finance_client.get(URL, {"as_of": as_of})
    assert response.status_code == 200
    assert _groups(response) == expected
    figures = response.context["figures"]
    assert figures["total_value"] == sum((v for _, v in expected.values()), Decimal(0))
    assert str(figures["as_of"]) == as_of


def test_without_a_date_the_page_values_the_end_of_today(finance_client, tenant_a, books):
    response = finance_client.get(URL)
    assert _groups(response) == {
        ("BER", "drinks"): (1, 5),
        ("CHI", "drinks"): (5, 15),
        ("CHI", "snacks"): (16, 24),
    }
    assert response.context["figures"]["total_value"] == 44
    assert_ledger_clean(tenant_a)


def test_site_and_category_filters_narrow_groups_and_totals(finance_client, books):
    by_site = finance_client.get(URL, {"as_of": "2025-03-10", "site": books["chi"].pk})
    assert set(_groups(by_site)) == {("CHI", "drinks"), ("CHI", "snacks")}
    assert by_site.context["figures"]["total_value"] == 39
    by_category = finance_client.get(URL, {"as_of": "2025-03-10", "category": "drinks"})
    assert set(_groups(by_category)) == {("BER", "drinks"), ("CHI", "drinks")}
    assert by_category.context["figures"]["total_value"] == 20


@pytest.mark.parametrize(
    "as_of,expected",
    [
        # Berlin's cola arrives on 6 March there: not yet in.
        ("2025-03-05", {"drinks": (20, 50), "snacks": (16, 24)}),
        # Chicago's 5 at 3.00 + Berlin's 1 at 5.00.
        ("2025-03-10", {"drinks": (6, 20), "snacks": (16, 24)}),
    ],
)
def test_value_by_category_over_every_site_and_its_drill_down(
    finance_client, books, as_of, expected
):
    response = finance_client.get(URL, {"as_of": as_of, "group": "category"})
    assert response.status_code == 200
    found = {r["item__category"]: (r["quantity"], r["value"]) for r in rows(response)}
    assert found == expected
    assert response.context["figures"]["total_value"] == sum(v for _, v in expected.values())
    text = response.content.decode()
    assert f"?as_of={as_of}&amp;group=site_category&amp;category=drinks" in text


def test_items_drill_down_shows_quantity_value_average_cost_and_costing(finance_client, books):
    url = reverse("inventory:valuation_items", args=[books["chi"].pk])
    response = finance_client.get(url, {"as_of": "2025-03-05"})
    items = {row["item__sku"]: row for row in rows(response)}
    assert (items["COLA"]["quantity"], items["COLA"]["value"]) == (20, 50)
    assert items["COLA"]["unit_cost"] == Decimal("2.5")
    assert (items["CHIPS"]["quantity"], items["CHIPS"]["value"]) == (16, 24)
    assert items["CHIPS"]["unit_cost"] == Decimal("1.5")
    text = response.content.decode()
    assert "Moving average" in text and "FIFO" in text and "2.50" in text
    layers = reverse("inventory:valuation_layers", args=[books["chi"].pk, books["cola"].pk])
    assert f"{layers}?as_of=2025-03-05" in text
    snacks = finance_client.get(url, {"as_of": "2025-03-05", "category": "snacks"})
    assert [row["item__sku"] for row in rows(snacks)] == ["CHIPS"]


def test_items_page_by_value_then_sku_with_totals_over_every_page(finance_client, tenant_a):
    """53 items at costs 1..53 (one unit each), and a second item at 2.00 to tie by SKU: the
    second page holds what ranks 51st to 54th, and both pages count and total all 54."""
    site = SiteFactory(tenant=tenant_a)
    shelf = bin_in(tenant_a, site=site)
    at = utc("2025-01-01 12:00")
    for cost in range(1, 54):
        item = ItemFactory(tenant=tenant_a, sku=f"P{cost:02d}")
        receive_at(tenant_a, item, shelf, 1, f"{cost}.00", at)
    receive_at(tenant_a, ItemFactory(tenant=tenant_a, sku="A-TIE"), shelf, 1, "2.00", at)
    url = reverse("inventory:valuation_items", args=[site.pk])
    first = finance_client.get(url)
    assert [row["item__sku"] for row in rows(first)][:3] == ["P53", "P52", "P51"]
    assert len(rows(first)) == 50 and rows(first)[-1]["item__sku"] == "P04"
    second = finance_client.get(url, {"page": "2"})
    assert [row["item__sku"] for row in rows(second)] == ["P03", "A-TIE", "P02", "P01"]
    for response in (first, second):
        figures = response.context["figures"]
        # 1 + 2 + ... + 53 = 1,431, and the tie's 2.00.
        assert (figures["total_quantity"], figures["total_value"]) == (54, 1433)
        assert response.context["table"].page.paginator.count == 54
    # A page past the last shows the last; junk shows the first.
    assert [row["item__sku"] for row in rows(finance_client.get(url, {"page": "9"}))] == [
        "P03", "A-TIE", "P02", "P01"
    ]  # fmt: skip
    assert rows(finance_client.get(url, {"page": "x1"}))[0]["item__sku"] == "P53"


def test_summary_rows_link_to_the_items_of_their_site_category_and_date(finance_client, books):
    text = finance_client.get(URL, {"as_of": "2025-03-06"}).content.decode()
    items = reverse("inventory:valuation_items", args=[books["ber"].pk])
    assert f"{items}?as_of=2025-03-06&amp;category=drinks" in text


def test_items_without_a_category_have_their_own_group_and_link(finance_client, tenant_a):
    site = SiteFactory(tenant=tenant_a)
    loose = ItemFactory(tenant=tenant_a, sku="LOOSE", category="")
    receive_at(tenant_a, loose, bin_in(tenant_a, site=site), 3, "1.00", utc("2025-01-01 12:00"))
    text = finance_client.get(URL).content.decode()
    assert "(no category)" in text and "category=__none__" in text
    url = reverse("inventory:valuation_items", args=[site.pk])
    response = finance_client.get(url, {"category": "__none__"})
    assert [row["item__sku"] for row in rows(response)] == ["LOOSE"]


def _layers(response) -> list[tuple]:
    return [
        (layer.original_quantity, layer.unit_cost, layer.then_quantity, layer.then_value,
         layer.remaining_quantity)
        for layer in rows(response)
    ]  # fmt: skip


def test_cost_layers_stand_as_they_did_at_the_end_of_the_day(finance_client, books):
    """FIFO as of a day: Σ received by then - on hand then came out of the oldest layers."""
    url = reverse("inventory:valuation_layers", args=[books["chi"].pk, books["cola"].pk])
    # 1 March: only the first receipt (09:00 in Chicago).
    assert _layers(finance_client.get(url, {"as_of": "2025-03-01"})) == [(10, 2, 10, 20, 0)]
    # 5 March: both receipts whole (the second at 21:00 in Chicago), nothing shipped yet.
    response = finance_client.get(url, {"as_of": "2025-03-05"})
    assert response.status_code == 200
    assert _layers(response) == [(10, 2, 10, 20, 0), (10, 3, 10, 30, 5)]
    figures = response.context["figures"]
    assert (figures["then"]["quantity"], figures["then"]["value"]) == (20, 50)
    assert figures["layers_then"] == {"quantity": 20, "value": 50}
    assert (figures["present"]["remaining_quantity"], figures["present"]["remaining_value"]) == (
        5,
        15,
    )
    text = response.content.decode()
    assert "as they did at the end of the chosen day" in text and "FIFO" in text
    # 10 March: 15 shipped took the 10 at 2.00 and 5 of the 3.00 layer.
    assert _layers(finance_client.get(url, {"as_of": "2025-03-10"})) == [(10, 3, 5, 15, 5)]
    every = finance_client.get(url, {"as_of": "2025-03-10", "state": "all"})
    assert [layer.then_quantity for layer in rows(every)] == [0, 5]
    used = finance_client.get(url, {"as_of": "2025-03-10", "state": "used"})
    assert [layer.unit_cost for layer in rows(used)] == [2]
    early_used = finance_client.get(url, {"as_of": "2025-03-05", "state": "used"})
    assert rows(early_used) == []


def test_an_average_items_pool_as_of_a_day_holds_that_days_quantity_and_value(
    finance_client, books
):
    url = reverse("inventory:valuation_layers", args=[books["chi"].pk, books["chips"].pk])
    response = finance_client.get(url, {"as_of": "2025-03-03"})
    [pool] = rows(response)
    assert pool.is_pool and (pool.then_quantity, pool.then_value) == (20, 30)
    assert pool.remaining_quantity == 16
    assert "1.50" in response.content.decode()  # 30 ÷ 20


def test_entries_behind_a_fifo_layer_are_its_receipt_and_the_outflows_that_took_from_it(
    finance_client, books
):
    chi, cola = books["chi"], books["cola"]
    with tenant_context(chi.tenant):
        first, second = CostLayer.objects.filter(item=cola, site=chi).order_by("received_at")
    base = "inventory:valuation_layer_entries"
    response = finance_client.get(reverse(base, args=[chi.pk, cola.pk, first.pk]))
    assert response.status_code == 200
    found = [(r["role"], r["quantity"], r["value"], r["layer_quantity"], r["layer_value"])
             for r in rows(response)]  # fmt: skip
    assert found == [("inflow", 10, 20, 10, 20), ("outflow", -15, -35, -10, -20)]
    response = finance_client.get(reverse(base, args=[chi.pk, cola.pk, second.pk]))
    found = [(r["role"], r["layer_quantity"], r["layer_value"]) for r in rows(response)]
    assert found == [("inflow", 10, 30), ("outflow", -5, -15)]
    text = response.content.decode()
    assert (
        reverse("inventory:transaction_detail", args=[rows(response)[1]["transaction_id"]]) in text
    )
    before_shipping = finance_client.get(
        reverse(base, args=[chi.pk, cola.pk, second.pk]), {"as_of": "2025-03-07"}
    )
    assert [r["role"] for r in rows(before_shipping)] == ["inflow"]
    layers_page = finance_client.get(
        reverse("inventory:valuation_layers", args=[chi.pk, cola.pk]), {"as_of": "2025-03-05"}
    ).content.decode()
    assert f"{reverse(base, args=[chi.pk, cola.pk, first.pk])}?as_of=2025-03-05" in layers_page


def test_entries_behind_a_pool_are_the_items_valued_entries_at_the_site(finance_client, books):
    chi, chips = books["chi"], books["chips"]
    with tenant_context(chi.tenant):
        pool = CostLayer.objects.get(item=chips, site=chi, is_pool=True)
    url = reverse("inventory:valuation_layer_entries", args=[chi.pk, chips.pk, pool.pk])
    response = finance_client.get(url)
    assert [(e.quantity, e.value) for e in rows(response)] == [(-4, -6), (10, 20), (10, 10)]
    dated = finance_client.get(url, {"as_of": "2025-03-03"})
    assert [(e.quantity, e.value) for e in rows(dated)] == [(10, 20), (10, 10)]


def test_layer_entries_refuse_a_junk_date_another_tenant_and_other_roles(
    finance_client, client, books, tenant_a, tenant_b
):
    chi, cola = books["chi"], books["cola"]
    with tenant_context(tenant_a):
        layer = CostLayer.objects.filter(item=cola, site=chi).first()
    url = reverse("inventory:valuation_layer_entries", args=[chi.pk, cola.pk, layer.pk])
    junk = finance_client.get(url, {"as_of": "2025-13-45"})
    assert junk.status_code == 400 and "YYYY-MM-DD" in junk.content.decode()
    theirs = ItemFactory(tenant=tenant_b)
    their_site = SiteFactory(tenant=tenant_b)
    receive_at(
        tenant_b, theirs, bin_in(tenant_b, site=their_site), 2, "1.00", utc("2025-01-01 12:00")
    )
    with tenant_context(tenant_b):
        their_layer = CostLayer.objects.filter(tenant=tenant_b).first()
    other = reverse("inventory:valuation_layer_entries", args=[chi.pk, cola.pk, their_layer.pk])
    assert finance_client.get(other).status_code == 404
    wrong_item = reverse(
        "inventory:valuation_layer_entries", args=[chi.pk, books["chips"].pk, layer.pk]
    )
    assert finance_client.get(wrong_item).status_code == 404
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert client.get(url).status_code == 403


def test_cost_layers_of_an_average_item_are_its_pool(finance_client, books):
    url = reverse("inventory:valuation_layers", args=[books["chi"].pk, books["chips"].pk])
    response = finance_client.get(url)
    [pool] = rows(response)
    assert (
        pool.is_pool
        and pool.remaining_quantity == 16
        and pool.then_quantity == 16
        and pool.remaining_value == 24
    )
    assert pool.unit_cost == Decimal("1.5")
    assert "Moving-average pool" in response.content.decode()


def test_value_now_equals_the_layers_remaining_value(finance_client, books):
    for site in ("chi", "ber"):
        url = reverse("inventory:valuation_items", args=[books[site].pk])
        for row in rows(finance_client.get(url)):
            layers = reverse("inventory:valuation_layers", args=[books[site].pk, row["item"]])
            present = finance_client.get(layers).context["figures"]["present"]
            assert present["remaining_value"] == row["value"]


def test_page_states_the_formula_and_the_time_zones(finance_client, books):
    text = finance_client.get(URL, {"as_of": "2025-03-06"}).content.decode()
    assert "in that site's own time zone" in text
    assert "America/Chicago" in text and "Europe/Berlin" in text
    assert "FIFO" in text and "moving average" in text


def test_a_bad_date_shows_no_figures_and_says_so(finance_client, books):
    response = finance_client.get(URL, {"as_of": "2025-02-30"})
    assert rows(response) == []
    assert "Give a valid date" in response.content.decode()


def test_htmx_request_for_the_results_gets_rows_and_totals_out_of_band(finance_client, books):
    response = htmx_get(finance_client, URL, "valuation-results", {"as_of": "2025-03-01"})
    text = response.content.decode()
    assert "<html" not in text and 'class="filters"' not in text
    assert 'id="valuation-results"' in text
    assert 'id="valuation-totals" class="panel" hx-swap-oob="true"' in text
    assert "2025-03-01" in text and "20.00" in text


def test_another_tenants_site_or_item_answers_404(finance_client, tenant_a, tenant_b):
    mine, theirs = SiteFactory(tenant=tenant_a), SiteFactory(tenant=tenant_b)
    my_item, their_item = ItemFactory(tenant=tenant_a), ItemFactory(tenant=tenant_b)
    for url in (
        reverse("inventory:valuation_items", args=[theirs.pk]),
        reverse("inventory:valuation_layers", args=[theirs.pk, my_item.pk]),
        reverse("inventory:valuation_layers", args=[mine.pk, their_item.pk]),
    ):
        assert finance_client.get(url).status_code == 404


def test_another_tenants_stock_is_not_valued(finance_client, tenant_b):
    item = ItemFactory(tenant=tenant_b)
    receive_at(tenant_b, item, bin_in(tenant_b), 5, "9.00", utc("2025-01-01 12:00"))
    response = finance_client.get(URL)
    assert rows(response) == [] and response.context["figures"]["total_value"] == 0


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.PLANNER])
def test_roles_outside_finance_are_refused(client, tenant_a, role):
    client.force_login(member(tenant_a, role))
    assert client.get(URL).status_code == 403


def test_admins_open_the_valuation(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    assert client.get(URL).status_code == 200
