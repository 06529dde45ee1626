"""The wave list exports what its filters show (erp.exports, through `build_table`): the waves
of the chosen number, site and status, newest first, with what each took in words and its
orders and batches counted; another tenant's waves never; junk in the filters gives the page
with its message, not a file."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from tests.exports import csv_rows
from tests.factories import SalesOrderFactory, SiteFactory, ZoneFactory, bin_in, member
from tests.inventory.pages import utc
from warehouse.models import PickBatch, Wave, WaveOrder

pytestmark = pytest.mark.django_db

LIST = reverse("warehouse:wave_list")
HEADER = ["Wave", "Site", "Status", "Filters", "Orders", "Batches", "Created", "By", "Released"]


def _wave(tenant, site, created: str, *, orders: int = 0, batches: int = 0, **fields) -> Wave:
    """A wave at `site` staging to its PACK bin, created at `created`, taking `orders` orders
    in `batches` open batches."""
    staging = bin_in(tenant, site=site, code=f"PACK-{fields['number']}")
    with tenant_context(tenant):
        wave = Wave.objects.create(
            tenant=tenant, site=site, staging=ledger.bin_location(tenant=tenant, bin=staging),
            **fields,
        )  # fmt: skip
        for _n in range(orders):
            order = SalesOrderFactory(tenant=tenant, site=site)
            WaveOrder.objects.create(tenant=tenant, wave=wave, order=order)
        for number in range(1, batches + 1):
            PickBatch.objects.create(tenant=tenant, wave=wave, number=number)
        Wave.objects.filter(pk=wave.pk).update(created_at=utc(created))
    return wave


class Waves:
    """Tenant A (UTC), by Sam: W-1 at WEST, planned on 3 March for UPS on route NORTH shipping
    by 4 March, 2 orders a batch, 2 orders and no batch yet; W-2 at WEST, all released orders
    in zone PCK, 4 a batch, created and released on 4 March, 3 orders in 1 batch; W-3 at EAST,
    cancelled on 1 March. Tenant B: W-9."""

    def __init__(self, tenant, tenant_b):
        self.supervisor = member(tenant, Role.SUPERVISOR)
        sam = member(tenant, Role.SUPERVISOR, user__full_name="Sam Reed")
        self.west = SiteFactory(tenant=tenant, code="WEST")
        east = SiteFactory(tenant=tenant, code="EAST")
        pick = ZoneFactory(site=self.west, code="PCK")
        self.first = _wave(
            tenant, self.west, "2025-03-03 08:00", number="W-1", status="planned", carrier="UPS",
            route="NORTH", cutoff=datetime.date(2025, 3, 4), orders_per_batch=2, orders=2,
            created_by=sam,
        )  # fmt: skip
        self.second = _wave(
            tenant, self.west, "2025-03-04 09:00", number="W-2", status="released", zone=pick,
            orders_per_batch=4, released_at=utc("2025-03-04 09:30"), orders=3, batches=1,
            created_by=sam,
        )  # fmt: skip
        self.third = _wave(
            tenant, east, "2025-03-01 07:00", number="W-3", status="cancelled", created_by=sam
        )
        _wave(
            tenant_b, SiteFactory(tenant=tenant_b, code="BRAVO"), "2025-03-02 10:00",
            number="W-9", created_by=member(tenant_b, Role.SUPERVISOR),
        )  # fmt: skip

    ROWS = {
        "W-2": [
            "W-2", "WEST", "Released", "zone PCK · 4 per batch", "3", "1", "2025-03-04 09:00:00",
            "Sam", "2025-03-04 09:30:00",
        ],
        "W-1": [
            "W-1", "WEST", "Planned", "carrier UPS route NORTH ship by 2025-03-04 · 2 per batch",
            "2", "0", "2025-03-03 08:00:00", "Sam", "",
        ],
        "W-3": [
            "W-3", "EAST", "Cancelled", "all released orders · 4 per batch", "0", "0",
            "2025-03-01 07:00:00", "Sam", "",
        ],
    }  # fmt: skip

    def rows(self, *numbers: str) -> list[list[str]]:
        """The CSV, written out by hand: the header, then these waves' rows."""
        return [HEADER, *(self.ROWS[number] for number in numbers)]


@pytest.fixture
def waves(tenant_a, tenant_b):
    return Waves(tenant_a, tenant_b)


def test_the_list_shows_its_filters_export_links_and_waves_newest_first(client, waves):
    client.force_login(waves.supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("number", "site", "status"):
        assert f'name="{name}"' in html
    assert 'href="?&amp;sort=-created_at&amp;export=csv"' in html and "Export XLSX" in html
    shown = [int(pk) for pk in re.findall(r'data-wave="(\d+)"', html)]
    assert shown == [waves.second.pk, waves.first.pk, waves.third.pk]
    assert reverse("warehouse:wave_detail", args=[waves.first.pk]) in html
    assert "carrier UPS route NORTH" in html and "W-9" not in html


def test_the_csv_is_the_filtered_list(client, waves):
    client.force_login(waves.supervisor)

    assert csv_rows(client.get(LIST, {"export": "csv"})) == waves.rows("W-2", "W-1", "W-3")
    west = csv_rows(client.get(LIST, {"site": waves.west.pk, "export": "csv"}))
    assert west == waves.rows("W-2", "W-1")
    assert csv_rows(client.get(LIST, {"status": "planned", "export": "csv"})) == waves.rows("W-1")
    assert csv_rows(client.get(LIST, {"number": "w-3", "export": "csv"})) == waves.rows("W-3")
    most_orders = csv_rows(client.get(LIST, {"sort": "-order_count", "export": "csv"}))
    assert most_orders == waves.rows("W-2", "W-1", "W-3")


def test_no_other_tenants_waves_reach_an_export(client, waves, tenant_b):
    client.force_login(waves.supervisor)
    assert "W-9" not in str(csv_rows(client.get(LIST, {"export": "csv"})))

    client.force_login(member(tenant_b, Role.SUPERVISOR))
    theirs = csv_rows(client.get(LIST, {"export": "csv"}))
    assert [row[:3] for row in theirs] == [HEADER[:3], ["W-9", "BRAVO", "Planned"]]


def test_junk_filters_show_the_page_with_its_message_not_a_file(client, waves):
    client.force_login(waves.supervisor)
    for junk in ({"status": "lost"}, {"site": "WEST"}):
        response = client.get(LIST, {**junk, "export": "csv"})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert "Select a valid choice" in html and "No waves match" in html
        assert "data-wave=" not in html
