"""Serial-tracked items travel on transfers unit by unit: each reserved serial is its own pick,
the pick scans it, ship moves those serials to in transit, the destination scans each one in
(refusing a serial the transfer did not ship) and a serial that never arrives is written off
as its own short discrepancy when the transfer is closed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory.ledger.valuation import site_values
from inventory.models import LocationKind, StockBalance
from inventory.selectors.valuation import in_transit
from tests.factories import ItemFactory, SerialFactory
from tests.inventory.stock import assert_ledger_clean, receive
from tests.warehouse.pdfs import text
from tests.warehouse.transfer_sites import Sites
from warehouse.errors import WarehouseError
from warehouse.models import PutawayTask, TransferDiscrepancy, TransferStatus
from warehouse.transfers import selectors
from warehouse.transfers import services as transfers
from warehouse.transfers.services import TransferError

pytestmark = pytest.mark.django_db


class Drills:
    """Two drills at CHI: SN-A in R-01 bought at 100.00, SN-B in R-02 at 120.00, and a
    transfer of both to ATL, released; SN-C (R-01, 90.00) arrives after the release."""

    def __init__(self, tenant):
        self.sites = sites = Sites(tenant)
        self.tenant = tenant
        self.drill = ItemFactory(tenant=tenant, sku="DRILL", tracking="serial", divisible=False)
        self.a = SerialFactory(item=self.drill, serial="SN-A")
        self.b = SerialFactory(item=self.drill, serial="SN-B")
        self.c = SerialFactory(item=self.drill, serial="SN-C")
        receive(tenant, self.drill, sites.r1, 1, unit_cost="100.00", serial=self.a)
        receive(tenant, self.drill, sites.r2, 1, unit_cost="120.00", serial=self.b)
        self.transfer = sites.released(lines=((self.drill, 2, ""),))
        receive(tenant, self.drill, sites.r1, 1, unit_cost="90.00", serial=self.c)

    def pick(self, bin_code, serial, quantity="1"):
        with tenant_context(self.tenant):
            return transfers.pick_step(
                tenant=self.tenant, user=self.sites.operator, transfer=self.transfer,
                bin_code=bin_code, item_code="DRILL", serial_code=serial,
                quantity=Decimal(quantity),
            )  # fmt: skip

    def ship(self):
        self.pick("R-01", "SN-A")
        self.pick("R-02", "SN-B")
        with tenant_context(self.tenant):
            return transfers.ship(
                tenant=self.tenant, user=self.sites.operator, transfer=self.transfer
            )

    def receive(self, serial, key, quantity="1"):
        with tenant_context(self.tenant):
            return transfers.receive_scanned(
                tenant=self.tenant, user=self.sites.operator, transfer=self.transfer,
                bin_code="DOCK-1", item_code="DRILL", serial_code=serial,
                quantity=Decimal(quantity), scan_key=key,
            )  # fmt: skip

    def where(self, serial):
        """(location kind, bin code or "") of every place holding the serial."""
        with tenant_context(self.tenant):
            return sorted(
                (b.location.kind, b.location.code if b.location.bin_id else "")
                for b in StockBalance.objects.filter(serial=serial, on_hand__gt=0).select_related(
                    "location"
                )
            )


@pytest.fixture
def drills(tenant_a):
    return Drills(tenant_a)


def test_release_reserves_each_serial_as_a_pick_of_one(drills):
    with tenant_context(drills.tenant):
        picks = {
            (p.serial.serial, p.location.code, p.quantity)
            for p in selectors.picks(tenant=drills.tenant, transfer=drills.transfer)
        }
    assert picks == {("SN-A", "R-01", Decimal(1)), ("SN-B", "R-02", Decimal(1))}


def test_the_pick_asks_for_the_serial_and_refuses_another(drills):
    step = drills.pick("R-01", "")
    assert (step.pick, step.needs) == (None, "serial")
    assert step.message == "DRILL is serial-tracked: scan or type serial SN-A."
    with pytest.raises(
        WarehouseError, match="Wrong serial: SN-C scanned; this pick is serial SN-A"
    ):
        drills.pick("R-01", "SN-C")
    with pytest.raises(WarehouseError, match="Wrong bin: R-02 scanned; this pick is from R-01"):
        drills.pick("R-02", "SN-B")
    drills.pick("R-01", "SN-A")
    with pytest.raises(WarehouseError, match="Wrong bin: R-01 scanned; this pick is from R-02"):
        drills.pick("R-01", "SN-A")
    with tenant_context(drills.tenant):
        picked = {
            p.serial.serial: p.picked
            for p in selectors.picks(tenant=drills.tenant, transfer=drills.transfer)
        }
    assert picked == {"SN-A": Decimal(1), "SN-B": Decimal(0)}


def test_picking_a_serial_the_transfer_did_not_reserve_is_refused(drills):
    with tenant_context(drills.tenant):
        kwargs = {
            "tenant": drills.tenant, "user": drills.sites.operator, "transfer": drills.transfer,
            "location": drills.sites.loc(drills.sites.r1), "item": drills.drill, "lot": None,
            "quantity": Decimal(1),
        }  # fmt: skip
        with pytest.raises(
            TransferError, match=r"SN-C of DRILL is not reserved for TR-\d+ in R-01"
        ):
            transfers.pick(**kwargs, serial=drills.c)
        with pytest.raises(TransferError, match="serial-tracked: scan or type its serial"):
            transfers.pick(**kwargs)
        transfers.pick(**kwargs, serial=drills.a)
        with pytest.raises(TransferError, match="Serial SN-A is picked already"):
            transfers.pick(**kwargs, serial=drills.a)


def test_shipping_moves_the_picked_serials_to_in_transit_at_their_cost(drills):
    drills.ship()
    assert drills.where(drills.a) == [(LocationKind.IN_TRANSIT, "")]
    assert drills.where(drills.b) == [(LocationKind.IN_TRANSIT, "")]
    assert drills.where(drills.c) == [(LocationKind.BIN, "R-01")]
    with tenant_context(drills.tenant):
        transit = in_transit(tenant=drills.tenant, item=drills.drill)
        chi = site_values(drills.tenant.pk)[(drills.drill.pk, drills.sites.source.pk)]
    # 100.00 + 120.00 left CHI; only SN-C (90.00) is left there.
    assert transit == {"quantity": Decimal(2), "value": Decimal("220.0000")}
    assert chi == (Decimal(1), Decimal("90.0000"))
    assert_ledger_clean(drills.tenant)


def test_receiving_scans_each_serial_at_its_own_cost(drills):
    drills.ship()
    receipt = drills.receive("SN-B", "k1")
    assert (receipt.serial_id, receipt.unit_cost, receipt.quantity_base) == (
        drills.b.pk, Decimal("120.000000"), Decimal(1),
    )  # fmt: skip
    assert drills.where(drills.b) == [(LocationKind.BIN, "DOCK-1")]
    with tenant_context(drills.tenant):
        task = PutawayTask.objects.get(tenant=drills.tenant, item=drills.drill)
        drills.transfer.refresh_from_db()
    assert task.serial_id == drills.b.pk
    assert drills.transfer.status == TransferStatus.PARTIALLY_RECEIVED
    drills.receive("SN-A", "k2")
    with tenant_context(drills.tenant):
        drills.transfer.refresh_from_db()
        atl = site_values(drills.tenant.pk)[(drills.drill.pk, drills.sites.destination.pk)]
    assert drills.transfer.status == TransferStatus.RECEIVED
    assert atl == (Decimal(2), Decimal("220.0000"))
    assert_ledger_clean(drills.tenant)


def test_a_serial_not_on_the_transfer_or_received_twice_is_refused(drills):
    drills.ship()
    with pytest.raises(TransferError, match="Serial SN-C of DRILL is not on TR-") as refused:
        drills.receive("SN-C", "k1")
    assert refused.value.field == "serial"
    with pytest.raises(TransferError, match="Serial SN-Z of DRILL is not on TR-"):
        drills.receive("SN-Z", "k2")
    with pytest.raises(TransferError, match="serial-tracked: scan or type"):
        drills.receive("", "k3")
    drills.receive("SN-A", "k4")
    with pytest.raises(TransferError, match=r"Serial SN-A of TR-\d+ is received already"):
        drills.receive("SN-A", "k5")
    with pytest.raises(TransferError, match="A serial is one unit"):
        drills.receive("SN-B", "k6", quantity="2")
    assert drills.where(drills.c) == [(LocationKind.BIN, "R-01")]
    assert drills.where(drills.b) == [(LocationKind.IN_TRANSIT, "")]
    assert_ledger_clean(drills.tenant)


def test_a_missing_serial_is_written_off_as_its_own_discrepancy(drills):
    drills.ship()
    drills.receive("SN-A", "k1")
    with tenant_context(drills.tenant):
        transfers.close(
            tenant=drills.tenant, user=drills.sites.supervisor, transfer=drills.transfer,
            missing="write_off", reason="not in the truck",
        )  # fmt: skip
        discrepancy = TransferDiscrepancy.objects.get(transfer=drills.transfer)
        values = site_values(drills.tenant.pk)
        transit = in_transit(tenant=drills.tenant, item=drills.drill)
    assert (discrepancy.kind, discrepancy.serial_id, discrepancy.quantity) == (
        "short", drills.b.pk, Decimal(1),
    )  # fmt: skip
    assert discrepancy.resolution == "written_off"
    assert "SN-B" in discrepancy.reason
    assert drills.where(drills.b) == [(LocationKind.SCRAP, "")]
    assert transit == {"quantity": Decimal(0), "value": Decimal("0.0000")}
    assert values[(drills.drill.pk, drills.sites.source.pk)] == (Decimal(1), Decimal("90.0000"))
    assert values[(drills.drill.pk, drills.sites.destination.pk)] == (
        Decimal(1), Decimal("100.0000"),
    )  # fmt: skip
    assert_ledger_clean(drills.tenant)


def test_the_scanner_pages_take_the_serial(client, drills):
    sites = drills.sites
    client.force_login(sites.operator)
    pick = reverse("warehouse:transfer_pick", args=[drills.transfer.pk])
    refused = client.post(pick, {"bin": "R-01", "item": "DRILL", "serial": "SN-C", "quantity": "1"})
    assert refused.status_code == 422
    assert b"Wrong serial: SN-C scanned; this pick is serial SN-A." in refused.content
    for bin_code, serial in (("R-01", "SN-A"), ("R-02", "SN-B")):
        response = client.post(
            pick, {"bin": bin_code, "item": "DRILL", "serial": serial, "quantity": "1"}
        )
        assert response.status_code == 302
    client.post(reverse("warehouse:transfer_ship", args=[drills.transfer.pk]), {"back": "pick"})
    receive = reverse("warehouse:transfer_receive", args=[drills.transfer.pk])
    refused = client.post(
        receive,
        {"item": "DRILL", "serial": "SN-C", "quantity": "1", "bin": "DOCK-1", "key": "k1"},
    )
    assert refused.status_code == 422
    assert b"Serial SN-C of DRILL is not on" in refused.content
    response = client.post(
        receive,
        {"item": "DRILL", "serial": "SN-A", "quantity": "1", "bin": "DOCK-1", "key": "k2"},
    )
    assert response.status_code == 302
    assert drills.where(drills.a) == [(LocationKind.BIN, "DOCK-1")]
    assert_ledger_clean(drills.tenant)


def test_the_packing_slip_and_the_detail_page_name_the_serials(client, drills):
    drills.ship()
    client.force_login(drills.sites.supervisor)
    slip = client.get(reverse("warehouse:transfer_slip", args=[drills.transfer.pk]))
    content = text(slip.content)
    assert "serial SN-A" in content and "serial SN-B" in content
    page = client.get(reverse("warehouse:transfer_detail", args=[drills.transfer.pk]))
    assert b"<td>SN-A</td>" in page.content and b"<td>SN-B</td>" in page.content
