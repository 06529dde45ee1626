"""Ids and numbers typed into URLs and forms are read with bounds: digits that `isdigit()`
accepts but `int()` or PostgreSQL refuse ("²", "٣"), ids past a bigint and day counts past
any date answer with a page, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.parsing import parse_id, parse_ids
from erp.roles import Role
from tests.erp.test_url_coverage import _floor
from tests.factories import BinFactory, SiteFactory, ZoneFactory, member

pytestmark = pytest.mark.django_db

JUNK_IDS = ["²", "٣", "99999999999999999999", "9223372036854775808", "-1", "0", " ", "1e3"]


@pytest.mark.parametrize(
    "text,expected",
    [("42", 42), (" 7 ", 7), ("9223372036854775807", 9223372036854775807), (7, 7)]
    + [(junk, None) for junk in JUNK_IDS]
    + [(None, None), ("", None)],
)
def test_parse_id_takes_only_ascii_digits_within_a_bigint(text, expected):
    assert parse_id(text) == expected


def test_parse_ids_keeps_the_ids_in_order_and_drops_junk():
    assert parse_ids(["3", "²", "1", "99999999999999999999", "2"]) == [3, 1, 2]


@pytest.mark.parametrize("junk", JUNK_IDS)
def test_junk_ids_in_urls_and_forms_get_a_page_not_a_server_error(client, tenant_a, junk):
    floor = _floor(tenant_a)
    order = floor.packed_order()
    batch = floor.tasks(floor.released_wave())[0].batch_id
    client.force_login(member(tenant_a, Role.ADMIN))
    answers = {
        "bin labels": client.post(reverse("inventory:bin_labels"), {"bin": [junk]}),
        "new zone": client.get(reverse("inventory:zone_create"), {"site": junk}),
        "bin lookup": client.get(reverse("inventory:bin_lookup"), {"q": "P", "site": junk}),
        "ship-tos": client.get(reverse("orders:order_ship_tos"), {"customer": junk}),
        "wave preview": client.get(
            reverse("warehouse:wave_create"), {"site": junk, "zone": junk, "orders_per_batch": 4}
        ),
        "stock filter": client.get(reverse("inventory:stock_list"), {"expires_within": "3000000"}),
    }
    client.force_login(floor.supervisor)
    answers["take over"] = client.post(
        reverse("warehouse:pick_take_over", args=[batch]), {"picker": junk}
    )
    answers["ship cartons"] = client.post(
        reverse("warehouse:ship_order", args=[order.pk]), {"cartons": [junk], "carrier": "UPS"}
    )
    failed = {name: r.status_code for name, r in answers.items() if r.status_code >= 500}
    assert failed == {}


def test_a_zone_form_opened_from_a_site_starts_at_that_site(client, tenant_a):
    site = SiteFactory(tenant=tenant_a, code="CHI")
    BinFactory(zone=ZoneFactory(site=site))
    client.force_login(member(tenant_a, Role.ADMIN))
    page = client.get(reverse("inventory:zone_create"), {"site": str(site.pk)}).content.decode()
    assert f'<option value="{site.pk}" selected>' in page
