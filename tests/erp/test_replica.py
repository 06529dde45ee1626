"""Routing report reads to a replica (erp/replica.py) on the shared test server: without one
nothing changes; one that does not answer leaves reports on the primary with a note (and the
health page says so); a read there carries the request's tenant on its own connection. The real streaming replica (caught
up, lagging, stopped) is in tests/faults/test_replica.py."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp import replica
from erp.health import check_replica
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import StockEntry
from tests.factories import ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import receive_at, rows, utc
from tests.replicas import replica_alias

VALUATION = reverse("inventory:valuation")
AS_OF = {"as_of": "2025-03-31"}
DOWN = "Figures from the primary: the replica is down."


def _stock(tenant, code: str, quantity: int, unit_cost: str):
    site = SiteFactory(tenant=tenant, code=code)
    item = ItemFactory(tenant=tenant, category="drinks")
    receive_at(
        tenant, item, bin_in(tenant, site=site), quantity, unit_cost, utc("2025-03-01 12:00")
    )


def _finance(tenant) -> Client:
    client = Client()
    client.force_login(member(tenant, Role.FINANCE))
    return client


def _groups(response) -> dict:
    return {
        (r["site__code"], r["item__category"]): (r["quantity"], r["value"]) for r in rows(response)
    }


@pytest.mark.django_db
def test_without_a_replica_reports_read_the_primary_and_say_nothing(tenant_a):
    assert not replica.configured()
    assert replica.read_on_replica(lambda alias: alias) == replica.Read("default", "")
    _stock(tenant_a, "ONE", 3, "2.00")
    response = _finance(tenant_a).get(VALUATION, AS_OF)
    assert _groups(response) == {("ONE", "drinks"): (3, 6)}
    assert response.context["figures"]["source_note"] == ""
    assert b"Figures from the primary" not in response.content
    assert check_replica() == []  # no row on the health page either


def test_the_settings_add_the_replica_alias_only_when_its_url_is_given():
    """Outside tests (which start replicas of their own) the URL makes the alias."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([sorted(settings.DATABASES), "
        "settings.DATABASES.get('replica', {}).get('HOST'), "
        "settings.DATABASES.get('replica', {}).get('OPTIONS', {}).get('connect_timeout'), "
        "settings.DATABASE_REPLICA_MAX_LAG_SECONDS]))"
    )

    def settings_with(**env):
        environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "erp.settings", **env}
        environ["STOCKLINE_TESTING"] = "false"
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            env=environ, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert settings_with(DATABASE_REPLICA_URL="") == [["default"], None, None, 30]
    assert settings_with(
        DATABASE_REPLICA_URL="postgres://stockline@replica.example:5433/stockline",
        DATABASE_REPLICA_MAX_LAG_SECONDS="12",
    ) == [["default", "replica"], "replica.example", 3, 12]


@pytest.fixture(scope="class")
def dead_replica(django_db_setup):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free once closed: nothing listens there
    with replica_alias(HOST="127.0.0.1", PORT=str(port)):
        yield


# transaction=True: a TestCase would open its own transaction on every alias it may use.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.usefixtures("dead_replica")
class TestAReplicaThatDoesNotAnswer:
    def test_the_valuation_comes_from_the_primary_with_a_note(self, tenant_a):
        _stock(tenant_a, "ONE", 3, "2.00")
        response = _finance(tenant_a).get(VALUATION, AS_OF)
        assert response.status_code == 200
        assert _groups(response) == {("ONE", "drinks"): (3, 6)}
        assert response.context["figures"]["source_note"] == DOWN
        assert DOWN.encode() in response.content

    def test_the_reasons_report_and_the_credits_export_say_so_too(self, tenant_a):
        client = _finance(tenant_a)
        reasons = client.get(reverse("returns:reasons"))
        assert reasons.status_code == 200 and DOWN.encode() in reasons.content
        export = client.get(reverse("returns:credit_export"))
        assert export.status_code == 200
        assert export["X-Stockline-Note"] == DOWN
        assert export.content.decode().startswith("credit,rma,customer_code")

    def test_the_health_page_says_so(self, admin_client):
        text = admin_client.get(reverse("health")).content.decode()
        assert "Read replica" in text
        assert "down: reports and exports read the primary" in text

    def test_the_probe_is_kept_for_a_few_seconds(self, tenant_a, monkeypatch):
        probes = []
        probe = replica._probe
        monkeypatch.setattr(replica, "_probe", lambda: probes.append(1) or probe())
        replica.forget()
        client = _finance(tenant_a)
        client.get(VALUATION, AS_OF)
        client.get(VALUATION, AS_OF)
        assert len(probes) == 1
        replica.forget()
        client.get(VALUATION, AS_OF)
        assert len(probes) == 2


@pytest.fixture(scope="class")
def second_connection(django_db_setup):
    """The alias on the test database itself: a connection of its own, as a replica's is."""
    with replica_alias():
        yield


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.usefixtures("second_connection")
class TestAReadOnTheReplicasConnection:
    def test_carries_the_tenant_so_row_level_security_shows_its_rows_only(self, tenant_a, tenant_b):
        _stock(tenant_a, "ALF", 3, "2.00")
        _stock(tenant_b, "BRV", 5, "1.00")
        alpha = _finance(tenant_a).get(VALUATION, AS_OF)
        assert _groups(alpha) == {("ALF", "drinks"): (3, 6)}
        assert alpha.context["figures"]["source_note"] == ""
        assert _groups(_finance(tenant_b).get(VALUATION, AS_OF)) == {("BRV", "drinks"): (5, 5)}

    def test_a_streamed_export_reads_there_with_the_tenant_in_a_transaction_of_its_own(
        self, tenant_a, tenant_b
    ):
        site = SiteFactory(tenant=tenant_a, code="ALF")
        item = ItemFactory(tenant=tenant_a, category="drinks")
        receive_at(tenant_a, item, bin_in(tenant_a, site=site), 3, "2.00", utc("2025-03-01 12:00"))
        _stock(tenant_b, "BRV", 5, "1.00")
        layers = reverse("inventory:valuation_layers", args=[site.pk, item.pk])
        response = _finance(tenant_a).get(layers, {"export": "csv"})
        # The body is read after the request's transactions ended: on the replica's connection,
        # through a server-side cursor in the export's own transaction there.
        with CaptureQueriesContext(connections["replica"]) as there:
            text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert any("inventory_costlayer" in q["sql"] for q in there.captured_queries)
        rows = text.splitlines()
        assert len(rows) == 2  # the header and tenant A's one layer: 3 received at 2.00
        assert [Decimal(x) for x in rows[1].split(",")[2:6]] == [3, 2, 3, 6]

    def test_the_health_check_finds_it_answering(self):
        [check] = check_replica()
        assert (check.name, check.ok) == ("Read replica", True)

    def test_runs_read_only_and_without_a_tenant_sees_nothing(self, tenant_a):
        _stock(tenant_a, "ALF", 3, "2.00")
        with tenant_context(tenant_a):
            with replica.reading_replica() as alias:
                assert StockEntry.objects.using(alias).count() == 2  # supplier and bin
                with connections[alias].cursor() as cursor:
                    cursor.execute("SHOW transaction_read_only")
                    assert cursor.fetchone() == ("on",)
        with tenant_context(None), replica.reading_replica() as alias:
            assert StockEntry.objects.using(alias).count() == 0

    def test_the_router_sends_every_write_to_the_primary(self, tenant_a):
        router = replica.PrimaryRouter()
        _stock(tenant_a, "ALF", 3, "2.00")
        with tenant_context(tenant_a), replica.reading_replica() as alias:
            entry = StockEntry.objects.using(alias).select_related("item").filter(quantity=3).get()
        assert entry._state.db == "replica"
        assert router.db_for_write(StockEntry, instance=entry) == "default"
        assert router.allow_migrate("replica", "inventory") is False
        with tenant_context(tenant_a):
            entry.item.description = "renamed after a replica read"
            entry.item.save()
            assert entry.item._state.db == "default"
            item = type(entry.item).objects.get(pk=entry.item.pk)
        assert item.description == "renamed after a replica read"
