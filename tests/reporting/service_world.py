"""A small, explicit world for the service measures, built once per module (committed, in a
tenant of its own) and described here so the tests' expected figures can be worked by hand.

Tenant time zone Europe/Berlin (UTC+1 in November). Period: 2-8 November 2026.
Sites S1, S2; customers C1, C2 (C3 has no orders); items FOOD (category "food", class A) and
TOOL (category "tools", class B). Every quantity in base units.

| order | cust | site | status    | line | item | qty | promised | shipments (Berlin time, quantity)            |
|-------|------|------|-----------|------|------|-----|----------|----------------------------------------------|
| O1    | C1   | S1   | shipped   | L1   | FOOD | 10  | 3 Nov    | SH1 3 Nov 10:00: 10 (on time)                |
|       |      |      |           | L2   | TOOL | 5   | 3 Nov    | SH1: 5                                       |
| O2    | C2   | S1   | shipped   | L3   | FOOD | 10  | 4 Nov    | SH2 4 Nov 09:00: 6 (on time); SH3 6 Nov 09:00: 4 (late) |
| O3    | C1   | S2   | closed    | L4   | TOOL | 4   | 5 Nov    | SH4 7 Nov 15:00: 4 (late)                    |
|       |      |      |           | L5   | FOOD | 2   | 5 Nov    | none; cancelled on closing                   |
| O4    | C2   | S1   | allocated | L6   | FOOD | 3   | 8 Nov    | none (allocated)                             |
| O5    | C1   | S1   | cancelled | L7   | FOOD | 1   | 4 Nov    | none                                         |
| O6    | C1   | S1   | shipped   | L8   | FOOD | 2   | 30 Oct   | SH5 30 Oct 12:00: 1 (on time); SH6 3 Nov 12:00: 1 (late) |
| O7    | C1   | S1   | part.all. | L9   | FOOD | 5   | today-3  | none, nothing allocated (backorder 5)        |
|       |      |      |           | L10  | TOOL | 4   | today-20 | none, 1 allocated (backorder 3)              |
|       |      |      |           | L11  | FOOD | 2   | today+5  | none (backorder 2, not yet due)              |

Confirmed at (Berlin): O1 2 Nov 10:00, O2 3 Nov 09:00, O3 5 Nov 08:00, O6 29 Oct 12:00.

Picks (zone Z1 holds bin B1, zone Z2 bin B2, both at S1), completed (Berlin):
P1 L1 from B1, 10 of 10, 3 Nov 07:00; P2 L2 from B2, 5 of 5, 3 Nov 15:00; P3 L3 from B1, 6 of 10
(short), 3 Nov 23:30; P4 L6 from B1, open. Transfer T1 S1 -> S2: one line of FOOD, 7 picked
from B2 on 4 Nov 05:00 and shipped 4 Nov 14:30.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from erp.tenancy import tenant_context
from inventory.models import Location, StockTransaction
from orders.models import SalesOrderLine
from tests.factories import (
    BinFactory,
    CustomerFactory,
    ItemFactory,
    SalesOrderFactory,
    SiteFactory,
    ZoneFactory,
    member,
)
from warehouse.models import (
    Carton,
    CartonLine,
    PickBatch,
    PickTask,
    Shipment,
    TransferLine,
    TransferOrder,
    TransferPick,
    Wave,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
START, END = datetime.date(2026, 11, 2), datetime.date(2026, 11, 8)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


@dataclass
class World:
    tenant: object
    s1: object
    s2: object
    c1: object
    c2: object
    c3: object
    orders: dict
    lines: dict
    user: object


def build_world(tenant) -> World:
    tenant.time_zone = "Europe/Berlin"
    tenant.save(update_fields=["time_zone"])
    user = member(tenant, "supervisor")
    s1, s2 = SiteFactory(tenant=tenant, code="S1"), SiteFactory(tenant=tenant, code="S2")
    c1, c2, c3 = (CustomerFactory(tenant=tenant, code=code) for code in ("C1", "C2", "C3"))
    food = ItemFactory(tenant=tenant, sku="FOOD", category="food", abc_class="A")
    tool = ItemFactory(tenant=tenant, sku="TOOL", category="tools", abc_class="B")
    z1 = ZoneFactory(tenant=tenant, site=s1, code="Z1")
    z2 = ZoneFactory(tenant=tenant, site=s1, code="Z2")
    b1, b2 = BinFactory(zone=z1, code="B1"), BinFactory(zone=z2, code="B2")
    staging_bin = BinFactory(zone=z1, code="STAGE")
    today = timezone.now().astimezone(BERLIN).date()
    days = datetime.timedelta

    orders, lines = {}, {}

    def order(name, customer, site, status, confirmed=None):
        orders[name] = SalesOrderFactory(
            tenant=tenant, customer=customer, site=site, status=status, number=name,
            confirmed_at=confirmed, created_by=user,
        )  # fmt: skip
        return orders[name]

    def line(name, order_, no, item, qty, promised, **parts):
        lines[name] = SalesOrderLine.objects.create(
            tenant=tenant, order=order_, line_no=no, item=item, unit="each",
            quantity=Decimal(qty), quantity_base=Decimal(qty), price=Decimal("2"),
            requested_date=promised, promised_date=promised,
            **{k: Decimal(v) for k, v in parts.items()},
        )  # fmt: skip
        return lines[name]

    sscc = iter(range(10**17, 10**17 + 100))

    def shipment(name, order_, when, on_time, contents):
        posting = StockTransaction.objects.create(
            tenant=tenant, kind="shipment", posted_at=when, reference=name
        )
        sh = Shipment.objects.create(
            tenant=tenant, number=name, order=order_, status="shipped", shipped_at=when,
            on_time=on_time, transaction=posting,
        )  # fmt: skip
        carton = Carton.objects.create(
            tenant=tenant, order=order_, shipment=sh, sscc=str(next(sscc)), status="shipped",
            created_by=user,
        )  # fmt: skip
        for line_, qty in contents:
            CartonLine.objects.create(
                tenant=tenant, carton=carton, order_line=line_, item=line_.item,
                quantity=Decimal(qty),
            )  # fmt: skip
        return sh

    with tenant_context(tenant):
        o1 = order("O1", c1, s1, "shipped", at(2, 10))
        l1 = line("L1", o1, 1, food, 10, START + days(1), shipped_base=10)
        l2 = line("L2", o1, 2, tool, 5, START + days(1), shipped_base=5)
        shipment("SH1", o1, at(3, 10), True, [(l1, 10), (l2, 5)])

        o2 = order("O2", c2, s1, "shipped", at(3, 9))
        l3 = line("L3", o2, 1, food, 10, START + days(2), shipped_base=10)
        shipment("SH2", o2, at(4, 9), True, [(l3, 6)])
        shipment("SH3", o2, at(6, 9), False, [(l3, 4)])

        o3 = order("O3", c1, s2, "closed", at(5, 8))
        l4 = line("L4", o3, 1, tool, 4, START + days(3), shipped_base=4)
        line("L5", o3, 2, food, 2, START + days(3), cancelled_base=2)
        shipment("SH4", o3, at(7, 15), False, [(l4, 4)])

        o4 = order("O4", c2, s1, "allocated", at(7, 9))
        l6 = line("L6", o4, 1, food, 3, END, allocated_base=3)

        o5 = order("O5", c1, s1, "cancelled", at(2, 9))
        line("L7", o5, 1, food, 1, START + days(2), cancelled_base=1)

        o6 = order("O6", c1, s1, "shipped", at(29, 12, month=10))
        l8 = line("L8", o6, 1, food, 2, datetime.date(2026, 10, 30), shipped_base=2)
        shipment("SH5", o6, at(30, 12, month=10), True, [(l8, 1)])
        shipment("SH6", o6, at(3, 12), False, [(l8, 1)])

        o7 = order("O7", c1, s1, "partially_allocated", at(1, 9))
        line("L9", o7, 1, food, 5, today - days(3))
        line("L10", o7, 2, tool, 4, today - days(20), allocated_base=1)
        line("L11", o7, 3, food, 2, today + days(5))

        # Picks: one wave, one batch.
        staging = Location.objects.get(tenant=tenant, bin=staging_bin)
        from_b1 = Location.objects.get(tenant=tenant, bin=b1)
        from_b2 = Location.objects.get(tenant=tenant, bin=b2)
        wave = Wave.objects.create(
            tenant=tenant, number="W1", site=s1, status="done", staging=staging, created_by=user
        )
        batch = PickBatch.objects.create(
            tenant=tenant, wave=wave, number=1, status="done", picker=user, done_at=at(4, 0)
        )
        for seq, (line_, source, qty, picked, state, done) in enumerate(
            [
                (l1, from_b1, 10, 10, "done", at(3, 7)),
                (l2, from_b2, 5, 5, "done", at(3, 15)),
                (l3, from_b1, 10, 6, "short", at(3, 23, 30)),
                (l6, from_b1, 3, 0, "open", None),
            ]
        ):
            PickTask.objects.create(
                tenant=tenant, batch=batch, order=line_.order, order_line=line_, tote=1,
                sequence=seq, item=line_.item, from_location=source, to_location=staging,
                balance_id=0, quantity=Decimal(qty), picked_quantity=Decimal(picked),
                state=state, completed_at=done, completed_by=user if done else None,
            )  # fmt: skip

        transfer = TransferOrder.objects.create(
            tenant=tenant, number="T1", from_site=s1, to_site=s2, expected_date=START,
            status="shipped", created_by=user, shipped_at=at(4, 14, 30),
        )  # fmt: skip
        tline = TransferLine.objects.create(
            tenant=tenant, transfer=transfer, item=food, unit="each", quantity=Decimal(7),
            quantity_base=Decimal(7), shipped_base=Decimal(7),
        )  # fmt: skip
        TransferPick.objects.create(
            tenant=tenant, line=tline, location=from_b2, quantity=Decimal(7), picked=Decimal(7),
            picked_by=user, picked_at=at(4, 5),
        )  # fmt: skip
    return World(tenant, s1, s2, c1, c2, c3, orders, lines, user)
