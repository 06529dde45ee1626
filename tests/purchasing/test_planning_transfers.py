"""Transfer before buying: a site at or below its reorder point first takes what another site
of the tenant holds free above its own order-up-to, and only the rest is bought. The needy
site's figures are those of the hand-computed run in test_planning_arithmetic (ROP 73,
order-up-to 213, 50 on hand: need 163); the other site has no demand, so its order-up-to is 0
and all its free stock is spare."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from purchasing.models import ServiceLevel
from tests.factories import ItemFactory, SiteFactory, SupplierFactory, bin_in
from tests.purchasing.planning import alternate, received_after, run, sells, settings, stock

D = Decimal


@pytest.fixture
def sites(tenant_a):
    main = SiteFactory(tenant=tenant_a, code="MAIN", time_zone="UTC")
    west = SiteFactory(tenant=tenant_a, code="WEST", time_zone="UTC")
    item = ItemFactory(tenant=tenant_a, sku="BOLT-10")
    supplier = SupplierFactory(tenant=tenant_a, code="ACME")
    sells(supplier, item, pack="10")
    received_after(supplier, main, item, [4, 6])
    with tenant_context(tenant_a):
        ServiceLevel.objects.create(tenant=tenant_a, abc_class="C", xyz_class="Z", level="95")
    settings(tenant_a, demand_window_days=28, order_cycle_days=14)
    main_bin = bin_in(tenant_a, site=main)
    stock(tenant_a, item, main_bin, 330)
    alternate(tenant_a, item, main_bin, 6, 14)  # 280 shipped: 50 left, need 163
    return {"main": main, "west": west, "item": item, "supplier": supplier, "tenant": tenant_a}


def test_a_site_with_enough_spare_stock_covers_the_need_and_nothing_is_bought(sites):
    """WEST holds 500 and needs none: the 163 MAIN needs come from WEST."""
    stock(sites["tenant"], sites["item"], bin_in(sites["tenant"], site=sites["west"]), 500)

    (suggestion,) = run(sites["tenant"])

    assert (suggestion.kind, suggestion.site, suggestion.from_site) == (
        "transfer", sites["main"], sites["west"]
    )  # fmt: skip
    assert suggestion.quantity == D(163)
    assert "transfer 163 from WEST before buying (it holds 500 free" in suggestion.explanation


def test_spare_stock_short_of_the_need_is_transferred_and_the_rest_bought(sites):
    """WEST holds 100: transfer 100, buy 163 - 100 = 63 -> 7 packs of 10 = 70."""
    stock(sites["tenant"], sites["item"], bin_in(sites["tenant"], site=sites["west"]), 100)

    purchase, transfer = run(sites["tenant"])  # ordered by kind

    assert (transfer.kind, transfer.quantity, transfer.from_site) == (
        "transfer", D(100), sites["west"]
    )  # fmt: skip
    assert (purchase.kind, purchase.quantity, purchase.supplier) == (
        "purchase", D(70), sites["supplier"]
    )  # fmt: skip
    assert "need 163, 100 of it by transfer -> suggest 70, 7 packs of 10" in purchase.explanation


def test_reserved_stock_is_not_spare(sites):
    """WEST holds 100 but orders have reserved 100 of it: nothing to give, all 163 bought as
    17 packs = 170."""
    from inventory import ledger
    from inventory.models import StockBalance

    tenant = sites["tenant"]
    west_bin = bin_in(tenant, site=sites["west"])
    stock(tenant, sites["item"], west_bin, 100)
    with tenant_context(tenant):
        balance = StockBalance.objects.get(tenant=tenant, item=sites["item"], site=sites["west"])
        ledger.reserve_many(
            tenant=tenant, user=None,
            requests=[ledger.ReserveRequest(balance_id=balance.pk, quantity=D(100),
                                            source_type="test", source_id=1, reference="held")],
        )  # fmt: skip

    (suggestion,) = run(tenant)

    assert (suggestion.kind, suggestion.quantity) == ("purchase", D(170))


def test_the_run_keeps_every_item_sites_levels_for_the_reports(sites):
    """Levels for both sites, suggested or not: MAIN's ROP 73 and order-up-to 213 (50 on
    hand), WEST's 0 and 0 (500 on hand, above it: excess for the report)."""
    from purchasing.models import PlanningLevel

    stock(sites["tenant"], sites["item"], bin_in(sites["tenant"], site=sites["west"]), 500)
    run(sites["tenant"])
    run(sites["tenant"])  # a second run replaces the first's rows

    with tenant_context(sites["tenant"]):
        levels = {
            level.site.code: (level.reorder_point, level.order_up_to, level.on_hand)
            for level in PlanningLevel.objects.select_related("site")
        }
    assert levels == {"MAIN": (D(73), D(213), D(50)), "WEST": (D(0), D(0), D(500))}
