"""Pick faces with min/max on the outbound `Floor` (faces P-01 coffee, P-02 cups; reserve
R-01), cases of 12, and a second reserve bin R-02: enough for the replenishment tests."""

from __future__ import annotations

from decimal import Decimal

from erp.tenancy import tenant_context
from inventory.models import ItemUnit
from tests.factories import BinFactory
from tests.inventory.stock import receive
from tests.warehouse.outbound import Floor
from warehouse.models import PickFace, Replenishment
from warehouse.replenishment import services


class Faces(Floor):
    def __init__(self, tenant, *, stock: int = 5):
        super().__init__(tenant, stock=stock)
        self.reserve2 = BinFactory(
            zone=self.reserve.zone, code="R-02", bin_type="reserve", walk_sequence=95
        )
        with tenant_context(tenant):
            for item in (self.coffee, self.cups):
                ItemUnit.objects.create(tenant=tenant, item=item, code="case", factor=12)

    def face(self, item, bin, minimum, maximum, unit="case") -> PickFace:
        with tenant_context(self.tenant):
            return PickFace.objects.create(
                tenant=self.tenant, item=item, bin=bin, min_quantity=Decimal(minimum),
                max_quantity=Decimal(maximum), unit=unit,
            )  # fmt: skip

    def stock_reserve(self, item, quantity, *, bin=None, lot=None):
        receive(self.tenant, item, bin or self.reserve, quantity, lot=lot)

    def run(self, site=None) -> list[Replenishment]:
        with tenant_context(self.tenant):
            made = services.run(tenant=self.tenant, site=site)
            return list(
                Replenishment.objects.filter(pk__in=[t.pk for t in made])
                .select_related("from_location", "to_location", "lot", "face")
                .order_by("id")
            )

    def open_tasks(self):
        with tenant_context(self.tenant):
            return list(
                Replenishment.objects.filter(tenant=self.tenant, state="open")
                .select_related("from_location", "to_location", "lot", "face")
                .order_by("id")
            )
