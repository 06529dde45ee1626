"""The nightly snapshot task and the backfill command: one tenant, one site, nothing shipped,
so every measure is 0 over 0 and only the rows' presence is in question."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from erp.tenancy import tenant_context
from reporting.models import KpiSnapshot
from reporting.snapshots import yesterday
from reporting.tasks import write_kpi_snapshots_task
from tests.factories import SiteFactory, TenantFactory

MEASURES = (
    9  # order, line and unit fill, on-time, OTIF; record accuracy; supplier on time, fill, quality
)


@pytest.mark.django_db(transaction=True)
def test_the_task_writes_yesterday_once_and_the_backfill_rewrites_a_range():
    tenant = TenantFactory(slug="snapshots")
    SiteFactory(tenant=tenant)
    assert write_kpi_snapshots_task(tenant.pk) == MEASURES * 2  # all sites and the one site
    assert write_kpi_snapshots_task(tenant.pk) == 0  # yesterday is written already
    assert write_kpi_snapshots_task(tenant.pk, force=True) == MEASURES * 2
    last = yesterday(tenant)
    first = last - datetime.timedelta(days=2)
    call_command("backfill_kpi_snapshots", tenant="snapshots", start=first.isoformat())
    with tenant_context(tenant):
        days = sorted(set(KpiSnapshot.objects.values_list("day", flat=True)))
        assert days == [first, first + datetime.timedelta(days=1), last]
        assert KpiSnapshot.objects.count() == 3 * MEASURES * 2
        assert not KpiSnapshot.objects.exclude(numerator=0, denominator=0).exists()
    with pytest.raises(CommandError, match="not over yet"):
        call_command(
            "backfill_kpi_snapshots", tenant="snapshots", start=first.isoformat(),
            end=(last + datetime.timedelta(days=1)).isoformat(),
        )  # fmt: skip
