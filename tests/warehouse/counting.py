"""Helpers for count tests: a bin with stock, two operators and a supervisor, and a count run
through the services."""

from __future__ import annotations

from decimal import Decimal

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import StockBalance
from tests.factories import BinFactory, ItemFactory, SiteFactory, ZoneFactory, member
from tests.inventory.stock import receive
from warehouse.counting import services
from warehouse.models import Count, CountRound


class Shelf:
    """Bin S-01 holding 10 WIDGET at 2.00 each; bin S-02 empty beside it."""

    def __init__(self, tenant, *, stock: int = 10, unit_cost: str = "2.00"):
        self.tenant = tenant
        self.site = SiteFactory(tenant=tenant)
        self.zone = ZoneFactory(site=self.site, code="STO")
        self.bin = BinFactory(zone=self.zone, code="S-01")
        self.other_bin = BinFactory(zone=self.zone, code="S-02")
        self.item = ItemFactory(
            tenant=tenant, sku=f"WIDGET-{self.site.pk}", standard_cost=Decimal(unit_cost)
        )
        self.counter = member(tenant, Role.OPERATOR)
        self.recounter = member(tenant, Role.OPERATOR)
        self.supervisor = member(tenant, Role.SUPERVISOR)
        if stock:
            receive(tenant, self.item, self.bin, stock, unit_cost=unit_cost)
        with tenant_context(tenant):
            self.location = ledger.bin_location(tenant=tenant, bin=self.bin)
            self.other = ledger.bin_location(tenant=tenant, bin=self.other_bin)

    def open(self, reason: str = "cycle count") -> Count:
        with tenant_context(self.tenant):
            return services.open_count(
                tenant=self.tenant, user=self.supervisor, location=self.location, reason=reason
            )

    def round(self, count: Count, number: int = 1) -> CountRound:
        with tenant_context(self.tenant):
            return CountRound.objects.get(tenant=self.tenant, count=count, number=number)

    def count(self, count: Count, found: dict, *, user=None, number: int = 1) -> Count:
        """`user` counts round `number`: `found` maps (item, lot, serial) or item to quantity."""
        user = user or (self.counter if number == 1 else self.recounter)
        round = self.round(count, number)
        with tenant_context(self.tenant):
            services.scan_bin(tenant=self.tenant, user=user, round=round, location=self.location)
            for key, quantity in found.items():
                item, lot, serial = key if isinstance(key, tuple) else (key, None, None)
                services.record_line(
                    tenant=self.tenant, user=user, round=round, item=item, lot=lot, serial=serial,
                    quantity=Decimal(quantity),
                )  # fmt: skip
            return services.finish_round(
                tenant=self.tenant, user=user, round=round, empty=not found
            )

    def balances(self, item=None) -> dict[str, Decimal]:
        with tenant_context(self.tenant):
            return {
                b.status: b.on_hand
                for b in StockBalance.objects.filter(
                    tenant=self.tenant, item=item or self.item, location=self.location
                ).exclude(on_hand=0)
            }

    def clean(self) -> list:
        with tenant_context(self.tenant):
            return ledger.verify(self.tenant.pk)
