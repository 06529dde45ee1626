"""The posting statement keeps when each item last left each site (dead stock reads it): only
shipments and transfers out of a site's locations count, a backdated posting never moves the
time back, and one posting with several lines of an item-site writes it once."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.ledger import statement
from inventory.models import ItemSiteActivity, LocationKind
from tests.factories import ItemFactory, bin_in
from tests.inventory.pages import post_move, receive_at, ship_at, utc
from tests.inventory.stock import loc

pytestmark = pytest.mark.django_db


def activity(tenant) -> dict:
    with tenant_context(tenant):
        return {
            (a.item.sku, a.site.code): a.last_outbound_at
            for a in ItemSiteActivity.objects.filter(tenant=tenant).select_related("item", "site")
        }


def test_shipments_and_transfers_out_set_the_last_outbound_time(tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="BOLT")
    north = bin_in(tenant_a)
    north_2 = bin_in(tenant_a, zone=north.zone)
    south = bin_in(tenant_a)
    receive_at(tenant_a, item, north, 20, "2.00", utc("2026-01-01 08:00"))
    assert activity(tenant_a) == {}  # a receipt is not outbound

    ship_at(tenant_a, item, north, 2, utc("2026-02-01 08:00"))
    ship_at(tenant_a, item, north, 1, utc("2026-01-15 08:00"))  # backdated: keeps February
    post_move(tenant_a, item, north, north_2, 3, at=utc("2026-03-01 08:00"))  # inside the site
    assert activity(tenant_a) == {("BOLT", north.zone.site.code): utc("2026-02-01 08:00")}

    post_move(tenant_a, item, north_2, south, 3, kind="transfer", at=utc("2026-03-02 08:00"))
    assert activity(tenant_a) == {("BOLT", north.zone.site.code): utc("2026-03-02 08:00")}


def test_lines_of_one_item_site_in_one_posting_write_it_once(tenant_a):
    bolt, nut = ItemFactory(tenant=tenant_a, sku="BOLT"), ItemFactory(tenant=tenant_a, sku="NUT")
    first = bin_in(tenant_a)
    second = bin_in(tenant_a, zone=first.zone)
    for item in (bolt, nut):
        for bin in (first, second):
            receive_at(tenant_a, item, bin, 5, "1.00", utc("2026-01-01 08:00"))
    at = utc("2026-04-01 10:00")
    with tenant_context(tenant_a):
        customer = ledger.virtual_location(tenant=tenant_a, kind=LocationKind.CUSTOMER)
        ledger.post(
            tenant=tenant_a, user=None, kind="shipment", posted_at=at,
            moves=[
                ledger.Move(item=item, quantity=Decimal(1), source=loc(bin), destination=customer)
                for item in (bolt, nut) for bin in (first, second)
            ],
        )  # fmt: skip
    site = first.zone.site.code
    assert activity(tenant_a) == {("BOLT", site): at, ("NUT", site): at}


def test_the_posting_statement_stays_within_psycopgs_parse_cache():
    # Longer statements are parsed again on every posting.
    assert len(statement.WIRE_SQL) <= MAX_CACHED_STATEMENT_LENGTH


def test_the_migration_fills_what_the_postings_wrote(tenant_a):
    """Migration 0019 computes from the entries what the posting statement keeps."""
    backfill = importlib.import_module(
        "inventory.migrations.0019_item_site_activity_backfill"
    ).backfill
    item = ItemFactory(tenant=tenant_a, sku="BOLT")
    north, south = bin_in(tenant_a), bin_in(tenant_a)
    receive_at(tenant_a, item, north, 10, "1.00", utc("2026-01-01 08:00"))
    ship_at(tenant_a, item, north, 1, utc("2026-05-01 08:00"))
    ship_at(tenant_a, item, north, 1, utc("2026-02-01 08:00"))
    post_move(tenant_a, item, north, south, 2, kind="transfer", at=utc("2026-03-01 08:00"))
    kept = activity(tenant_a)
    assert kept == {("BOLT", north.zone.site.code): utc("2026-05-01 08:00")}
    with tenant_context(tenant_a):
        ItemSiteActivity.objects.filter(tenant=tenant_a).delete()
    backfill(apps, SimpleNamespace(connection=connection))
    assert activity(tenant_a) == kept
