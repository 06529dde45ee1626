"""An admin sets the organisation's currency, time zone and date format; every page then
shows amounts and dates that way."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from erp.models import Tenant

pytestmark = pytest.mark.django_db


def _save(client, **overrides):
    data = {"name": "Alpha Wholesale", "currency": "eur", "time_zone": "Europe/Berlin",
            "date_format": "d.m.Y", **overrides}  # fmt: skip
    return client.post(reverse("organisation"), data)


def test_an_admin_sets_currency_time_zone_and_date_format(admin_client, tenant_a):
    assert _save(admin_client).status_code == 302
    tenant_a.refresh_from_db()
    assert (tenant_a.currency, tenant_a.time_zone, tenant_a.date_format) == (
        "EUR",
        "Europe/Berlin",
        "d.m.Y",
    )


def test_pages_show_dates_in_the_tenants_zone_and_format(admin_client, tenant_a):
    _save(admin_client)
    # 23:30 UTC on 15 January is already 16 January in Berlin.
    Tenant.objects.filter(pk=tenant_a.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    )
    page = admin_client.get(reverse("organisation")).content.decode()
    assert "<dt>Since</dt><dd>16.01.2026</dd>" in page


def test_an_unknown_time_zone_or_currency_is_refused(admin_client, tenant_a):
    bad_zone = _save(admin_client, time_zone="Mars/Olympus")
    bad_currency = _save(admin_client, currency="euro")
    assert bad_zone.status_code == 422 and bad_currency.status_code == 422
    tenant_a.refresh_from_db()
    assert tenant_a.time_zone == "UTC" and tenant_a.currency == "USD"
