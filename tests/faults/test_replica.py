"""Reports on a real streaming replica (issue 15): they read it once it has caught up, see
only their tenant's rows there, fall back to the primary and say so when it is stopped or
too far behind, and no write ever reaches it."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp import replica
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Item
from tests.factories import ItemFactory, SiteFactory, TenantFactory, bin_in, member
from tests.faults.processes import wait_for
from tests.inventory.pages import receive_at, rows, utc

# Committed rows, as only those reach the replica; each test's flush costs seconds, so the
# tests are few and each checks a whole situation.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

URL = reverse("inventory:valuation")
AS_OF = {"as_of": "2025-03-31"}


class Books:
    """A tenant of its own with one site and one item, received in March 2025."""

    def __init__(self, site_code: str, value: str):
        self.tenant = TenantFactory(slug=f"{site_code.lower()}-{uuid.uuid4().hex[:12]}")
        self.site = SiteFactory(tenant=self.tenant, code=site_code)
        self.bin = bin_in(self.tenant, site=self.site)
        self.item = ItemFactory(tenant=self.tenant, sku=f"{site_code}-1", category="drinks")
        receive_at(self.tenant, self.item, self.bin, 10, value, utc("2025-03-01 12:00"))
        self.client = Client()
        self.client.force_login(member(self.tenant, Role.FINANCE))

    def receive(self, quantity: int, unit_cost: str, category: str = "snacks") -> None:
        item = ItemFactory(tenant=self.tenant, category=category)
        receive_at(self.tenant, item, self.bin, quantity, unit_cost, utc("2025-03-02 12:00"))

    def valuation(self):
        replica.forget()  # a fresh probe: each step below changes the replica's state
        response = self.client.get(URL, AS_OF)
        assert response.status_code == 200
        groups = {
            (row["site__code"], row["item__category"]): (row["quantity"], row["value"])
            for row in rows(response)
        }
        return groups, response


@pytest.fixture
def books(streaming_replica):
    alpha, bravo = Books("ALF", "2.00"), Books("BRV", "7.00")
    streaming_replica.wait_caught_up()
    return alpha, bravo


def test_reports_read_the_caught_up_replica_as_their_tenant_and_writes_stay_on_the_primary(
    streaming_replica, books, settings
):
    alpha, bravo = books
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        groups, response = alpha.valuation()
    assert groups == {("ALF", "drinks"): (10, 20)}
    assert response.context["figures"]["total_value"] == 20
    assert b"Figures from the primary" not in response.content
    assert any("inventory_stockentry" in q["sql"] for q in on_replica.captured_queries)
    assert bravo.valuation()[0] == {("BRV", "drinks"): (10, 70)}

    # Replay held: the primary has the new receipt, the replica (within the allowed lag) not.
    streaming_replica.pause_replay()
    try:
        alpha.receive(4, "5.00")
        assert alpha.valuation()[0] == {("ALF", "drinks"): (10, 20)}
    finally:
        streaming_replica.resume_replay()
    streaming_replica.wait_caught_up()
    groups, response = alpha.valuation()
    assert groups == {("ALF", "drinks"): (10, 20), ("ALF", "snacks"): (4, 20)}
    assert b"Figures from the primary" not in response.content

    # Writes: the replica refuses them itself, and an object read there is saved on the primary.
    with tenant_context(alpha.tenant), replica.reading_replica() as alias:
        item = Item.objects.using(alias).get(pk=alpha.item.pk)
        with pytest.raises(DatabaseError, match="read-only transaction"):
            with transaction.atomic(using=alias):
                Item.objects.using(alias).filter(pk=item.pk).update(description="on the replica")
    with tenant_context(alpha.tenant):
        item.description = "saved from a replica read"
        item.save()
        assert Item.objects.get(pk=item.pk).description == "saved from a replica read"
    streaming_replica.wait_caught_up()
    with tenant_context(alpha.tenant), replica.reading_replica() as alias:
        assert Item.objects.using(alias).get(pk=item.pk).description == "saved from a replica read"


def test_a_replica_too_far_behind_leaves_the_report_on_the_primary_and_says_so(
    streaming_replica, books, settings
):
    alpha, _ = books
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 1
    streaming_replica.pause_replay()
    try:
        alpha.receive(3, "1.00")
        wait_for(
            lambda: (streaming_replica.lag_seconds() or 0) > 1.5,
            timeout=15,
            what="the paused replica to fall more than 1.5 s behind",
        )
        groups, response = alpha.valuation()
    finally:
        streaming_replica.resume_replay()
    # The new receipt is there: the primary answered.
    assert groups == {("ALF", "drinks"): (10, 20), ("ALF", "snacks"): (3, 3)}
    note = response.context["figures"]["source_note"]
    assert note.startswith("Figures from the primary: the replica is ") and note.endswith(
        " s behind."
    )
    assert note.encode() in response.content


def test_a_stopped_replica_leaves_the_report_on_the_primary_and_says_so(streaming_replica, books):
    alpha, bravo = books
    assert alpha.valuation()[1].context["figures"]["source_note"] == ""
    streaming_replica.stop()
    try:
        alpha.receive(2, "4.00")
        # The last probe (kept for a few seconds) still says the replica is fit: the read fails
        # on it and is run again on the primary.
        response = alpha.client.get(URL, AS_OF)
        assert response.context["figures"]["source_note"] == (
            "Figures from the primary: the replica is down."
        )
        groups, response = alpha.valuation()
        assert groups == {("ALF", "drinks"): (10, 20), ("ALF", "snacks"): (2, 8)}
        assert b"Figures from the primary: the replica is down." in response.content
        assert bravo.valuation()[0] == {("BRV", "drinks"): (10, 70)}
    finally:
        streaming_replica.start()
    streaming_replica.wait_caught_up()
    assert alpha.valuation()[1].context["figures"]["source_note"] == ""
