"""Bins flagged by short picks before counting existed become count tasks on upgrade: the
data migration opens one count per open flag, with the bin's snapshot, its first round and
an urgent queue entry; flags of bins already being counted and closed flags are left."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from erp.tenancy import tenant_context
from tests.warehouse.counting import Shelf
from warehouse.models import Count, CountRequest, CountRound, CountSnapshot, WorkKind, WorkTask

pytestmark = pytest.mark.django_db

migration = importlib.import_module("warehouse.migrations.0010_count_flagged_bins")


class _Editor:
    connection = connection


def test_open_flags_become_count_tasks_once(tenant_a):
    shelf = Shelf(tenant_a)
    with tenant_context(tenant_a):
        CountRequest.objects.create(
            tenant=tenant_a, location=shelf.location, reason="short pick #9"
        )
        CountRequest.objects.create(tenant=tenant_a, location=shelf.other, reason="old", done=True)
    migration.count_flagged_bins(apps, _Editor())
    migration.count_flagged_bins(apps, _Editor())  # a second run adds nothing
    with tenant_context(tenant_a):
        count = Count.objects.get()
        round = CountRound.objects.get(count=count)
        task = WorkTask.objects.get(kind=WorkKind.COUNT, reference=round.pk)
        snapshot = list(CountSnapshot.objects.filter(count=count).values_list("status", "quantity"))
    assert (count.location_id, count.source, count.status) == (
        shelf.location.pk,
        "short_pick",
        "open",
    )
    assert snapshot == [("available", Decimal(10))]
    assert (task.summary, task.priority, task.status) == ("Count bin S-01", 2, "open")
    # The migrated count is counted like any other.
    counted = shelf.count(count, {shelf.item: 10})
    assert counted.status == "counted"
