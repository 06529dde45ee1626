"""Demo customers of each priority (one on credit hold, one with a minimum shelf life) with
their ship-tos, and sales orders in each state the sales pages show: draft, confirmed,
allocated, released (for the floor's waves), partially allocated with backorders, one held on
credit, and an older backorder past its promise. Idempotent: customers and addresses are
looked up before they are made, and the orders are made once (their references start with
DEMO-)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from erp.models import Membership, Tenant
from erp.roles import Role
from inventory.models import Item, ItemUnit, Site, Tracking
from orders.models import Customer, SalesOrder, SalesOrderLine, ShipTo
from orders.services import allocation, customers, sales_orders

# code, name, priority, min shelf life days, carrier, route, credit hold,
# addresses: (name, street, city, region, postal code); the first is the default.
CUSTOMERS = {
    "northwind": [
        ("BLUEDOOR", "Blue Door Cafés", 1, 0, "UPS", "CHI-N", False, [
            ("Blue Door Cafés, Loop", "12 W Lake St", "Chicago", "IL", "60601"),
            ("Blue Door Cafés, Wicker Park", "1550 N Milwaukee Ave", "Chicago", "IL", "60622"),
        ]),
        ("LAKESIDE", "Lakeside Grocers", 2, 90, "FedEx Freight", "CHI-S", False, [
            ("Lakeside Grocers DC", "3300 S Ashland Ave", "Chicago", "IL", "60608"),
        ]),
        ("PEACHTREE", "Peachtree Hotels", 2, 0, "Own fleet", "CHI-E", False, [
            ("Peachtree Hotel Chicago", "160 E Pearson St", "Chicago", "IL", "60611"),
        ]),
        ("CORNER", "Corner Kiosk Co.", 3, 0, "USPS", "CHI-W", False, [
            ("Corner Kiosk, Union Station", "225 S Canal St", "Chicago", "IL", "60606"),
        ]),
        ("MIDNIGHT", "Midnight Diner", 3, 0, "UPS", "CHI-N", True, [
            ("Midnight Diner", "4400 N Broadway", "Chicago", "IL", "60640"),
        ]),
    ],
    "harbor": [
        ("BAYVIEW", "Bayview Marina", 1, 0, "UPS", "SEA-1", False, [
            ("Bayview Marina, Dock office", "2601 W Marina Pl", "Seattle", "WA", "98199"),
            ("Bayview Marina, Fuel dock", "2615 W Marina Pl", "Seattle", "WA", "98199"),
        ]),
        ("PUGETYARD", "Puget Shipyard", 2, 180, "Own fleet", "SEA-2", False, [
            ("Puget Shipyard stores", "1801 16th Ave SW", "Seattle", "WA", "98134"),
        ]),
        ("ROSECITY", "Rose City Charters", 2, 0, "FedEx", "SEA-3", False, [
            ("Rose City Charters", "1000 NW Naito Pkwy", "Portland", "OR", "97209"),
        ]),
        ("SALISH", "Salish Kayak Club", 3, 0, "USPS", "SEA-1", False, [
            ("Salish Kayak Club boathouse", "1660 Harbor Ave SW", "Seattle", "WA", "98126"),
        ]),
        ("DRIFTWOOD", "Driftwood Boats", 3, 0, "UPS", "SEA-2", True, [
            ("Driftwood Boats yard", "4100 W Commodore Way", "Seattle", "WA", "98199"),
        ]),
    ],
}  # fmt: skip
SHIP_FROM = {"northwind": "CHI", "harbor": "SEA"}
MARGIN = Decimal("1.4")
LATE_DAYS = 20  # how long ago the older backorder was promised


def _user(tenant: Tenant, role: Role):
    membership = Membership.objects.filter(tenant=tenant, role=role).select_related("user").first()
    return membership.user if membership else None


def _customers(tenant: Tenant, user) -> list[Customer]:
    made = []
    for code, name, priority, shelf, carrier, route, hold, addresses in CUSTOMERS.get(
        tenant.slug, []
    ):
        customer = Customer.objects.filter(tenant=tenant, code=code).first()
        if customer is None:
            customer = customers.save_customer(
                tenant=tenant, user=user,
                customer=Customer(
                    code=code, name=name, priority=priority, min_shelf_life_days=shelf,
                    carrier=carrier, route=route, credit_hold=hold,
                    email=f"purchasing@{code.lower()}.example", phone="555-0100",
                ),
            )  # fmt: skip
        for index, (label, street, city, region, postal) in enumerate(addresses):
            if not ShipTo.objects.filter(tenant=tenant, customer=customer, name=label).exists():
                customers.save_ship_to(
                    tenant=tenant, user=user,
                    ship_to=ShipTo(
                        customer=customer, name=label, address_line1=street, city=city,
                        region=region, postal_code=postal, country="US", is_default=index == 0,
                    ),
                )  # fmt: skip
        made.append(customer)
    return made


def _price(item: Item, unit: str, tenant: Tenant) -> Decimal:
    factor = Decimal(1)
    if unit != item.base_unit:
        factor = ItemUnit.objects.get(tenant=tenant, item=item, code=unit).factor
    return (item.standard_cost * MARGIN * factor).quantize(Decimal("0.01"))


def load(tenant: Tenant) -> None:
    """Call inside the tenant's context, after the items, their stock and the other demos."""
    planner, supervisor = _user(tenant, Role.PLANNER), _user(tenant, Role.SUPERVISOR)
    site = (
        Site.objects.filter(tenant=tenant, code=SHIP_FROM.get(tenant.slug)).first()
        or Site.objects.filter(tenant=tenant).order_by("code").first()
    )
    # Serial items stay out: their few units are for the receiving and picking demos.
    items = list(
        Item.objects.filter(tenant=tenant, is_active=True)
        .exclude(tracking=Tracking.SERIAL)
        .order_by("sku")
    )
    if not (planner and supervisor and site and len(items) >= 5):
        return
    key, strict, standard, low, held = _customers(tenant, planner)
    if SalesOrder.objects.filter(tenant=tenant, customer_reference__startswith="DEMO-").exists():
        return
    today = timezone.localdate()

    def order(reference, customer, lines, *, ship_to=None, days=2, then=()):
        made = sales_orders.create_order(
            tenant=tenant, user=planner, customer=customer, site=site, ship_to=ship_to,
            requested_date=today + datetime.timedelta(days=days),
            customer_reference=f"DEMO-{reference}",
        )  # fmt: skip
        for item, quantity, unit in lines:
            unit = unit or item.base_unit
            sales_orders.add_line(
                tenant=tenant, user=planner, order=made, item=item, quantity=Decimal(quantity),
                unit=unit, price=_price(item, unit, tenant),
            )  # fmt: skip
        if "confirm" in then:
            sales_orders.confirm(tenant=tenant, user=planner, order=made)
        if "allocate" in then:
            allocation.allocate(tenant=tenant, user=planner, orders=[made])
        if "release" in then:
            sales_orders.release(tenant=tenant, user=supervisor, order=made)
        return made

    confirm, allocate, release = ("confirm",), ("confirm", "allocate"), ("confirm", "allocate", "release")  # fmt: skip
    order("DRAFT", standard, [(items[1], 6, None), (items[3], 1, "case")], days=5)
    order("CONFIRMED", low, [(items[0], 4, None), (items[4], 2, None)], days=4, then=confirm)
    order("ALLOCATED", key, [(items[1], 10, None), (items[2], 6, None)], then=allocate)
    second_address = ShipTo.objects.filter(tenant=tenant, customer=key, is_default=False).first()
    order("RELEASED-1", key, [(items[0], 6, None), (items[3], 1, "case")], ship_to=second_address, days=1, then=release)  # fmt: skip
    order("RELEASED-2", standard, [(items[1], 8, None), (items[4], 4, None)], days=1, then=release)
    # More than the site holds of items[0]; the customer's minimum shelf life also rules out
    # the lot that expires soonest, so part of it waits as a backorder.
    order("PARTIAL", strict, [(items[0], 100, None), (items[1], 5, None)], then=allocate)
    order("HOLD", held, [(items[1], 3, None)], then=allocate)
    late = order("LATE", low, [(items[2], 100, None)], then=allocate)
    _backdate(tenant, planner, late, days=LATE_DAYS)
    changed_mind = order("CANCELLED", standard, [(items[4], 2, None)], then=allocate)
    sales_orders.cancel(
        tenant=tenant, user=planner, order=changed_mind, reason="demo: customer changed their mind"
    )


def _backdate(tenant: Tenant, user, order: SalesOrder, *, days: int) -> None:
    """Make `order` one entered and promised `days` ago whose backorder has waited since, so
    the backorder aging shows a line past its promise. Its demand moves to the new date."""
    then = timezone.localdate() - datetime.timedelta(days=days)
    order.order_date = order.requested_date = order.promised_date = then
    order.confirmed_at = timezone.now() - datetime.timedelta(days=days)
    order._history_user = user
    order.save(update_fields=["order_date", "requested_date", "promised_date", "confirmed_at"])
    lines = list(SalesOrderLine.objects.filter(tenant=tenant, order=order).select_related("order"))
    for line in lines:
        line.requested_date = line.promised_date = then
        if line.backordered_since is not None:
            line.backordered_since = order.confirmed_at
        line._history_user = user
        line.save(update_fields=["requested_date", "promised_date", "backordered_since"])
    sales_orders.publish_demand(tenant=tenant, lines=lines)
