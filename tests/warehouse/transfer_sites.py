"""Two sites of one tenant for transfer tests: CHI with stock of a FIFO item (two cost
layers: 10 at 2.00 then 10 at 3.00) and a lot-tracked item, ATL with a dock and storage;
a supervisor and an operator; transfers taken as far as a test needs through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from tests.factories import (
    BinFactory,
    ItemFactory,
    ItemUnitFactory,
    LotFactory,
    SiteFactory,
    ZoneFactory,
    member,
)
from tests.inventory.stock import receive
from warehouse.transfers import selectors
from warehouse.transfers import services as transfers

EXPECTED = datetime.date(2030, 1, 15)


class Sites:
    def __init__(self, tenant, *, tag: str = ""):
        """`tag` tells apart several of these in one tenant (codes and SKUs carry it)."""
        self.tenant = tenant
        self.source = SiteFactory(tenant=tenant, code=f"CHI{tag}")
        self.destination = SiteFactory(tenant=tenant, code=f"ATL{tag}")
        storage = ZoneFactory(site=self.source, code="STO")
        self.r1 = BinFactory(zone=storage, code="R-01", bin_type="reserve", walk_sequence=10)
        self.r2 = BinFactory(zone=storage, code="R-02", bin_type="reserve", walk_sequence=20)
        inbound = ZoneFactory(site=self.destination, code="DCK", zone_type="receiving")
        self.dock = BinFactory(zone=inbound, code="DOCK-1", bin_type="dock")
        atl_storage = ZoneFactory(site=self.destination, code="STO")
        self.atl_bin = BinFactory(zone=atl_storage, code="R-01", bin_type="reserve")
        self.supervisor = member(tenant, Role.SUPERVISOR)
        self.operator = member(tenant, Role.OPERATOR)
        self.item = ItemFactory(tenant=tenant, sku=f"BOLT{tag}", standard_cost=Decimal("9.99"))
        ItemUnitFactory(item=self.item, code="box", factor=5)
        self.lotted = ItemFactory(tenant=tenant, sku=f"MILK{tag}", tracking="lot")
        self.lot = LotFactory(
            item=self.lotted, tenant=tenant, code="L1", expiry_date=datetime.date(2031, 1, 1)
        )
        receive(tenant, self.item, self.r1, 10, unit_cost="2.00")
        receive(tenant, self.item, self.r2, 10, unit_cost="3.00")
        receive(tenant, self.lotted, self.r1, 8, unit_cost="1.50", lot=self.lot)

    def loc(self, bin):
        with tenant_context(self.tenant):
            return ledger.bin_location(tenant=self.tenant, bin=bin)

    def draft(self, lines=((None, 12, ""),)):
        """A draft CHI -> ATL; `lines` are (item or None for BOLT, quantity, unit)."""
        with tenant_context(self.tenant):
            transfer = transfers.create(
                tenant=self.tenant, user=self.supervisor, from_site=self.source,
                to_site=self.destination, expected_date=EXPECTED,
            )  # fmt: skip
            for item, quantity, unit in lines:
                transfers.add_line(
                    tenant=self.tenant, user=self.supervisor, transfer=transfer,
                    item=item or self.item, quantity=Decimal(quantity), unit=unit,
                )  # fmt: skip
            return transfer

    def released(self, **kwargs):
        transfer = self.draft(**kwargs)
        with tenant_context(self.tenant):
            return transfers.release(tenant=self.tenant, user=self.supervisor, transfer=transfer)

    def picked(self, **kwargs):
        transfer = self.released(**kwargs)
        with tenant_context(self.tenant):
            for row in selectors.picks(tenant=self.tenant, transfer=transfer):
                transfers.pick(
                    tenant=self.tenant, user=self.operator, transfer=transfer,
                    location=row.location, item=row.line.item, lot=row.lot,
                    quantity=row.quantity,
                )  # fmt: skip
            transfer.refresh_from_db()
            return transfer

    def shipped(self, **kwargs):
        transfer = self.picked(**kwargs)
        with tenant_context(self.tenant):
            return transfers.ship(tenant=self.tenant, user=self.operator, transfer=transfer)

    def receive(self, transfer, quantity, *, item=None, lot=None, key="scan-1"):
        with tenant_context(self.tenant):
            return transfers.receive(
                tenant=self.tenant, user=self.operator, transfer=transfer,
                item=item or self.item, lot=lot, quantity=Decimal(quantity),
                location=ledger.bin_location(tenant=self.tenant, bin=self.dock), scan_key=key,
            )  # fmt: skip

    def fresh(self, transfer):
        with tenant_context(self.tenant):
            transfer.refresh_from_db()
        return transfer
