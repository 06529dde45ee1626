"""Each role's landing page (issue 16) over the hand-made world of `landing_world`: its
figures, the charts with their numbers, links to the lists behind them, the supervisor's
polled partial, roles and tenant isolation."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from reporting.scope import today
from tests.factories import (
    DiscrepancyFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SupplierFactory,
    TenantFactory,
)
from tests.reporting.landing_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build(TenantFactory(slug="landing"))
    # Another tenant's floor, busier than ours: none of it may reach our figures.
    build(TenantFactory(slug="landing-other"), prefix="X")
    return world


def home(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def panel(response, key):
    return next(p for p in response.context["panels"] if p.key == key)


def figures(panel) -> dict:
    return {f.label: f for f in panel.context["figures"]}


def test_the_supervisor_sees_open_work_by_queue_and_zone_throughput_and_late_waves(client, world):
    response = home(client, world, Role.SUPERVISOR)
    work = panel(response, "open-work")
    zones = work.context["charts"][0]
    assert [(p.label, p.value) for p in zones.points] == [
        ("S1/A", 2),
        ("S1/B", 1),
    ]  # the other tenant's XS1 zones are not there
    assert zones.points[0].href == f"/warehouse/work/?zone={world.zone_a.pk}"
    assert figures(work)["Open work"].text == "3"
    assert figures(work)["Pick batch"].text == "3"
    assert figures(work)["Pick batch"].href == "/warehouse/work/?kind=pick"
    shift = panel(response, "shift")
    assert figures(shift)["Tasks finished today"].text == "1"
    assert figures(shift)["Open alerts"].text == "1"
    assert sum(p.value for p in shift.context["charts"][0].points) == 1
    waves = panel(response, "waves")
    assert figures(waves)["Waves past cut-off"].text == "1"
    html = response.content.decode()
    assert "W-LATE" in html and "XW-LATE" not in html and "(late)" in html
    assert html.count("data-chart=") == 2 and 'class="mark' in html
    assert 'hx-get="/reports/landing/open-work/"' in html and "every 45s" in html
    assert "Pick batch" in html and '<td class="num">2</td>' in html  # the chart's numbers


def _discrepancy(order, kind, state, reason):
    decided = {} if state == "open" else {
        "resolved_by": order.created_by, "resolved_at": timezone.now(), "resolution": "decided",
    }  # fmt: skip
    return DiscrepancyFactory(
        order_line=PurchaseOrderLineFactory(order=order), kind=kind, state=state, reason=reason,
        **decided,
    )  # fmt: skip


def test_open_receiving_discrepancies_are_among_the_supervisors_exceptions(client, world):
    """Open: 2 damaged and 1 over-receipt. Decided, so no longer exceptions: an over-receipt
    accepted and a damaged one rejected. Another tenant's open one is not ours."""
    tenant = world.tenant
    order = PurchaseOrderFactory(
        supplier=SupplierFactory(tenant=tenant), site=world.zone_a.site,
        created_by=world.users[Role.PLANNER],
    )  # fmt: skip
    _discrepancy(order, "damaged", "open", "crushed carton")
    _discrepancy(order, "damaged", "open", "wet pallet")
    _discrepancy(order, "over_receipt", "open", "12 of 10")
    _discrepancy(order, "over_receipt", "accepted", "11 of 10")
    _discrepancy(order, "damaged", "rejected", "torn bag")
    other = TenantFactory(slug="landing-discrepancies")
    _discrepancy(PurchaseOrderFactory(supplier=SupplierFactory(tenant=other)), "damaged", "open",
                 "not ours")  # fmt: skip

    shift = figures(panel(home(client, world, Role.SUPERVISOR), "shift"))
    everything = shift["Receiving discrepancies open"]
    assert (everything.text, everything.href) == ("3", "/warehouse/discrepancies/?state=open")
    damaged, over = shift["Damaged"], shift["Over-receipt"]
    assert (damaged.text, damaged.href) == (
        "2",
        "/warehouse/discrepancies/?state=open&kind=damaged",
    )
    assert (over.text, over.href) == (
        "1",
        "/warehouse/discrepancies/?state=open&kind=over_receipt",
    )
    assert "Short receipt" not in shift  # no kind without an open one

    # The list behind the figure holds exactly what it counts.
    listed = client.get(damaged.href).content.decode()
    assert "crushed carton" in listed and "wet pallet" in listed
    assert "torn bag" not in listed and "12 of 10" not in listed and "not ours" not in listed
    polled = client.get(reverse("reporting:landing_panel", args=["shift"])).content.decode()
    assert "Receiving discrepancies open" in polled and "kind=over_receipt" in polled


def test_the_polled_partial_answers_one_panel_for_supervisors_only(client, world):
    client.force_login(world.users[Role.SUPERVISOR])
    response = client.get(reverse("reporting:landing_panel", args=["open-work"]))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="panel-open-work"' in html and "S1/A" in html and "XS1" not in html
    shift = client.get(reverse("reporting:landing_panel", args=["shift"])).content.decode()
    assert "Lines picked today" in shift and "Tasks finished today" in shift
    assert client.get(reverse("reporting:landing_panel", args=["nope"])).status_code == 404
    client.force_login(world.users[Role.OPERATOR])
    assert client.get(reverse("reporting:landing_panel", args=["shift"])).status_code == 403


def test_the_planner_sees_suggestions_waiting_and_stock_risk(client, world):
    response = home(client, world, Role.PLANNER)
    waiting = panel(response, "suggestions")
    assert figures(waiting)["Suggestions to review"].text == "2"
    chart = waiting.context["charts"][0]
    assert [(p.label, p.value) for p in chart.points] == [("Purchase", 2)]
    assert "status=open" in chart.points[0].href and "kind=purchase" in chart.points[0].href
    risk = figures(panel(response, "stock-risk"))
    assert risk["Excess stock"].href.startswith("/reports/stock/excess/")


def test_finance_sees_valuation_by_site_and_what_waits_for_approval(client, world):
    response = home(client, world, Role.FINANCE)
    valuation = panel(response, "valuation")
    assert figures(valuation)["Stock value"].text.startswith("25.00")
    assert [(p.label, p.value) for p in valuation.context["charts"][0].points] == [("S1", 25)]
    approvals = figures(panel(response, "approvals"))
    assert approvals["Adjustments awaiting approval"].text == "0"
    assert approvals["Credits awaiting approval"].href == "/returns/credits/"
    adjustments = figures(panel(response, "adjustments"))
    # Finance may not open the adjusters' list: the figure leads to the ledger's adjustments.
    assert adjustments["Adjustments posted"].href.startswith(
        "/inventory/ledger/?kind=adjustment&date_from="
    )


def test_admins_see_sites_users_and_health_but_not_the_executive_figures(client, world):
    response = home(client, world, Role.ADMIN)
    org = figures(panel(response, "organisation"))
    assert org["Active sites"].text == "1"
    assert org["Active members"].text == "6"  # one per role, not the other tenant's
    health = panel(response, "health")
    rows = health.context["table"]["rows"]
    assert rows[0]["cells"][0][0] == "Database"
    # The executive figures are the owner's landing page now.
    assert [p.key for p in response.context["panels"]] == ["organisation", "health"]


def test_the_owner_sees_service_turns_and_backorders_each_linking_to_its_page(client, world):
    response = home(client, world, Role.OWNER)
    assert [p.key for p in response.context["panels"]] == ["service", "backorders"]
    service = figures(panel(response, "service"))
    assert service["Order fill rate"].text == "—"  # no order shipped: neither good nor bad
    # OTIF counts lines promised in the period up to today: the backordered line, unshipped.
    assert (service["OTIF"].text, service["OTIF"].detail) == ("0.0 %", "0 of 1")
    start = today(world.tenant) - datetime.timedelta(days=29)
    period = f"?date_from={start.isoformat()}&date_to={today(world.tenant).isoformat()}"
    assert service["Order fill rate"].href == f"/reports/service-level/{period}"
    assert service["On-time shipment"].href == f"/reports/service-level/{period}"
    assert service["OTIF"].href == f"/reports/service-level/{period}"
    assert service["Turns (annualised)"].href == f"/reports/stock/turns/{period}"
    backorders = panel(response, "backorders")
    shown = figures(backorders)
    # One line of 4 at 10.00 backordered, promised 10 days ago; the other tenant's is not here.
    assert shown["Backorder lines"].text == "1"
    assert shown["Backorder lines"].detail == "oldest 10 days past promise"
    assert shown["Backorder lines"].href == "/sales/backorders/"
    assert shown["Backordered value"].text.startswith("40.00")
    assert shown["Backordered value"].detail == "4 base units at the lines' prices"
    assert shown["Backordered value"].href == "/reports/backorder-aging/"
    aging = backorders.context["charts"][0]
    # The DOMAIN.md buckets, 0-7, 8-14, 15-30, 31-60 and 60+ days past promise.
    assert [p.value for p in aging.points] == [0, 1, 0, 0, 0]
    assert aging.points[1].label == "8\N{EN DASH}14"
    assert aging.points[1].href == "/sales/backorders/?bucket=8-14"
    # Every figure and every column leads to a page the owner may open.
    links = [f.href for p in response.context["panels"] for f in p.context["figures"]]
    for href in links + [p.href for p in aging.points]:
        assert client.get(href).status_code == 200, href
    html = response.content.decode()
    assert html.count("data-chart=") == 1 and 'class="mark' in html


def test_operators_keep_the_menu_cards_and_no_panels(client, world):
    response = home(client, world, Role.OPERATOR)
    assert response.context["panels"] == []
    assert response.context["sections"]
