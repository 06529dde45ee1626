"""Supervisor outbound pages: building a wave from a preview of its orders, releasing it,
batch progress (htmx), and floor exceptions with their acknowledgement."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from tests.factories import CustomerFactory, confirmed_order
from tests.warehouse.outbound import Floor
from warehouse.models import FloorException, PickBatch, Wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    return Floor(tenant_a)


def test_preview_narrows_by_carrier_route_and_cutoff_then_creates_the_wave(client, floor):
    today = datetime.date.today()
    ups = floor.released_order(promised=today)
    later = floor.released_order(promised=today + datetime.timedelta(days=5))
    fedex_customer = CustomerFactory(tenant=floor.tenant, carrier="FedEx", route="SOUTH")
    fedex = confirmed_order(fedex_customer, floor.site, [(floor.cups, 1)], user=floor.supervisor)
    with tenant_context(floor.tenant):
        from orders.services import allocation, sales_orders

        allocation.allocate(tenant=floor.tenant, user=floor.supervisor, orders=[fedex])
        sales_orders.release(tenant=floor.tenant, user=floor.supervisor, order=fedex)
    client.force_login(floor.supervisor)
    url = reverse("warehouse:wave_create")
    everything = client.get(url, {"site": floor.site.pk, "orders_per_batch": 4})
    # Priority, then promise date: the later promise comes last.
    assert [o.number for o in everything.context["orders"]] == [
        ups.number,
        fedex.number,
        later.number,
    ]
    preview = client.get(
        url,
        {"site": floor.site.pk, "carrier": "ups", "route": "north", "cutoff": today.isoformat(),
         "orders_per_batch": 2},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert preview.templates[0].name == "warehouse/outbound/_wave_preview.html"
    assert ups.number.encode() in preview.content
    assert (
        later.number.encode() not in preview.content
        and fedex.number.encode() not in preview.content
    )
    created = client.post(
        url,
        {"site": floor.site.pk, "carrier": "UPS", "route": "NORTH", "cutoff": today.isoformat(),
         "orders_per_batch": 2},
    )  # fmt: skip
    with tenant_context(floor.tenant):
        wave = Wave.objects.get()
        assert list(wave.wave_orders.values_list("order__number", flat=True)) == [ups.number]
    assert created.status_code == 302 and created.url == reverse(
        "warehouse:wave_detail", args=[wave.pk]
    )
    assert wave.carrier == "UPS" and wave.orders_per_batch == 2 and wave.status == "planned"
    listing = client.get(reverse("warehouse:wave_list"))
    assert wave.number.encode() in listing.content and b"carrier UPS" in listing.content


def test_zone_preview_shows_what_is_reserved_in_the_zone(client, floor):
    order = floor.released_order()
    client.force_login(floor.supervisor)
    with tenant_context(floor.tenant):
        zone = floor.p1.zone
    preview = client.get(
        reverse("warehouse:wave_create"),
        {"site": floor.site.pk, "zone": zone.pk, "orders_per_batch": 4},
    )
    (row,) = preview.context["orders"]
    assert row.number == order.number and row.reserved == 10 and row.in_zone == 10
    storage = client.get(
        reverse("warehouse:wave_create"),
        {"site": floor.site.pk, "zone": floor.reserve.zone_id, "orders_per_batch": 4},
    )
    assert storage.context["orders"][0].in_zone == 0 and b"nothing to pick here" in storage.content


def test_wave_form_errors_answer_422(client, floor):
    client.force_login(floor.supervisor)
    url = reverse("warehouse:wave_create")
    nothing = client.post(url, {"site": floor.site.pk, "orders_per_batch": 4})
    assert (
        nothing.status_code == 422
        and b"No orders released to the warehouse match these filters." in nothing.content
    )
    other_site = Floor(floor.tenant)
    wrong_zone = client.post(
        url, {"site": floor.site.pk, "zone": other_site.p1.zone_id, "orders_per_batch": 4}
    )
    assert wrong_zone.status_code == 422 and b"is not at site" in wrong_zone.content


def test_release_makes_batches_and_the_progress_refreshes(client, floor):
    floor.released_order()
    floor.released_order()
    wave = floor.wave(orders_per_batch=2)  # with a third order
    client.force_login(floor.supervisor)
    page = client.get(reverse("warehouse:wave_detail", args=[wave.pk]))
    assert (
        b"Release wave" in page.content and b"Release the wave to make its batches" in page.content
    )
    released = client.post(reverse("warehouse:wave_release", args=[wave.pk]), follow=True)
    assert f"{wave.number} released: 2 batches, 6 pick tasks.".encode() in released.content
    with tenant_context(floor.tenant):
        batches = list(PickBatch.objects.filter(wave=wave).order_by("number"))
    assert len(batches) == 2
    again = client.post(reverse("warehouse:wave_release", args=[wave.pk]), follow=True)
    assert b"cannot go from released to released" in again.content
    with tenant_context(floor.tenant):
        from warehouse.picking import services as picking

        task = floor.tasks(wave)[0]
        picking.confirm_pick(
            tenant=floor.tenant, user=floor.operator, task=task, quantity=task.quantity
        )
    progress = client.get(
        reverse("warehouse:wave_detail", args=[wave.pk]), headers={"HX-Request": "true"}
    )
    assert progress.templates[0].name == "warehouse/outbound/_batch_progress.html"
    rows = {b.number: b for b in progress.context["batches"]}
    assert (rows[1].open_count, rows[1].picked_count, rows[1].short_count) == (3, 1, 0)
    assert rows[1].order_count == 2 and rows[2].order_count == 1
    assert b'hx-trigger="every 10s"' in progress.content


def test_short_picks_show_as_exceptions_until_acknowledged(client, tenant_a):
    floor = Floor(tenant_a, stock=6)
    order = floor.picked_order(short={0: 4})  # 4 of the 6 coffee found in P-01, none elsewhere
    client.force_login(floor.supervisor)
    page = client.get(reverse("warehouse:exception_list"))
    assert order.number.encode() in page.content and b"2 backordered" in page.content
    assert b"P-01" in page.content and b"short pick" in page.content.lower()
    with tenant_context(floor.tenant):
        exception = FloorException.objects.get()
    done = client.post(reverse("warehouse:exception_acknowledge", args=[exception.pk]), follow=True)
    assert b"acknowledged" in done.content
    assert order.number.encode() not in client.get(reverse("warehouse:exception_list")).content
    everything = client.get(reverse("warehouse:exception_list"), {"state": "all"})
    assert b"seen by" in everything.content
    # The bin stays flagged for a count until someone counts it.
    assert b"short pick #" in everything.content and b"P-01" in everything.content
    with tenant_context(floor.tenant):
        exception.refresh_from_db()
        first = exception.acknowledged_at
    client.post(reverse("warehouse:exception_acknowledge", args=[exception.pk]))
    with tenant_context(floor.tenant):
        exception.refresh_from_db()
    assert exception.acknowledged_at == first and exception.acknowledged_by == floor.supervisor


def test_operators_cannot_open_supervisor_pages(client, floor):
    client.force_login(floor.operator)
    for name in ("wave_list", "wave_create", "exception_list", "packing_queue", "shipping_queue"):
        assert client.get(reverse(f"warehouse:{name}")).status_code == 403


def test_the_preview_ignores_a_half_typed_batch_size(client, floor):
    order = floor.released_order()
    client.force_login(floor.supervisor)
    preview = client.get(
        reverse("warehouse:wave_create"),
        {"site": floor.site.pk, "orders_per_batch": ""},
        headers={"HX-Request": "true"},
    )
    assert preview.status_code == 200 and order.number.encode() in preview.content
    bad_date = client.get(
        reverse("warehouse:wave_create"),
        {"site": floor.site.pk, "cutoff": "31.02.", "orders_per_batch": "4"},
        headers={"HX-Request": "true"},
    )
    assert bad_date.status_code == 422 and b"Choose a site and valid filters" in bad_date.content


def test_an_empty_preview_says_why_and_points_to_the_order_pool(client, floor):
    """With nothing released to the warehouse, the builder says so and links to the pool,
    counting the allocated orders waiting there to be released."""
    allocated = confirmed_order(
        floor.customer, floor.site, [(floor.cups, 2)], user=floor.supervisor
    )
    with tenant_context(floor.tenant):
        from orders.services import allocation

        allocation.allocate(tenant=floor.tenant, user=floor.supervisor, orders=[allocated])
    client.force_login(floor.supervisor)
    url = reverse("warehouse:wave_create")
    page = client.get(url, {"site": floor.site.pk, "orders_per_batch": 4})
    text = page.content.decode()
    assert "<strong>0</strong> orders match." in text
    assert (
        f"No orders at {floor.site.code} are released to the warehouse and waiting for a wave."
        in text
    )
    assert (
        f'<a href="{reverse("orders:order_pool")}">1 allocated order</a>'
        " in the order pool waits to be released to the warehouse." in text
    )


def test_an_empty_preview_with_released_orders_blames_the_filters(client, floor):
    floor.released_order()
    floor.released_order()
    CustomerFactory(tenant=floor.tenant, carrier="DHL")  # a carrier in use, on no released order
    client.force_login(floor.supervisor)
    page = client.get(
        reverse("warehouse:wave_create"),
        {"site": floor.site.pk, "carrier": "DHL", "orders_per_batch": 4},
        headers={"HX-Request": "true"},
    )
    text = page.content.decode()
    assert "<strong>0</strong> orders match." in text
    assert (
        f'<a href="{reverse("orders:order_pool")}?status=released">2 orders released to the warehouse</a>'
        f" wait for a wave at {floor.site.code}, but none matches these filters." in text
    )
