""" "Release" meant two things: an order released to the warehouse (to the wave pool) and a
wave released into pick tasks. Orders now say "Release to warehouse", waves "Release wave",
on buttons, in messages and in history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from orders.services import allocation
from tests.factories import confirmed_order
from tests.warehouse.outbound import Floor

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    return Floor(tenant_a)


def test_an_allocated_order_is_released_to_the_warehouse(client, floor):
    order = confirmed_order(floor.customer, floor.site, [(floor.cups, 2)], user=floor.supervisor)
    with tenant_context(floor.tenant):
        allocation.allocate(tenant=floor.tenant, user=floor.supervisor, orders=[order])
    client.force_login(floor.supervisor)
    page = client.get(order.get_absolute_url()).content.decode()
    assert '<button type="submit">Release to warehouse</button>' in page
    assert "Release to the floor" not in page and "Release wave" not in page
    done = client.post(
        reverse("orders:order_action", args=[order.pk]), {"action": "release"}, follow=True
    )
    text = done.content.decode()
    assert "Released to warehouse" in text  # the status, on the page and in its history
    assert (
        'Status: <span class="old">Allocated</span> → <span class="new">Released to warehouse</span>'
        in text
    )


def test_the_order_pool_releases_to_the_warehouse(client, floor):
    order = confirmed_order(floor.customer, floor.site, [(floor.cups, 2)], user=floor.supervisor)
    with tenant_context(floor.tenant):
        allocation.allocate(tenant=floor.tenant, user=floor.supervisor, orders=[order])
    client.force_login(floor.supervisor)
    pool = client.get(reverse("orders:order_pool")).content.decode()
    assert "Release ticked orders to warehouse" in pool
    assert '<button type="submit" class="secondary">Release to warehouse</button>' in pool
    done = client.post(reverse("orders:pool_release"), {"orders": [order.pk]}, follow=True)
    assert f"Released to warehouse: {order.number}." in done.content.decode()


def test_a_wave_is_released_with_release_wave(client, floor):
    wave = floor.wave()
    client.force_login(floor.supervisor)
    page = client.get(reverse("warehouse:wave_detail", args=[wave.pk])).content.decode()
    assert '<button type="submit">Release wave</button>' in page
    assert "Release to the floor" not in page and "Release to warehouse" not in page
    done = client.post(reverse("warehouse:wave_release", args=[wave.pk]), follow=True)
    assert f"Wave {wave.number} released:" in done.content.decode()
