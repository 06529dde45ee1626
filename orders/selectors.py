"""Reads of orders' tables for views, tasks and reports (no writes)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from erp.lookups import ranked_matches
from erp.parsing import parse_id
from inventory.models import Item, ItemUnit
from orders import states
from orders.models import (
    ALLOCATABLE,
    Customer,
    OrderStatus,
    SalesOrder,
    SalesOrderLine,
    ShipTo,
)
from orders.services import sales_orders

QUANTITY = DecimalField(max_digits=18, decimal_places=4)
MONEY = DecimalField(max_digits=24, decimal_places=6)
ZERO = Value(Decimal(0), output_field=QUANTITY)
# Orders the pool shows: confirmed and not yet on the floor beyond release.
POOL = [
    OrderStatus.CONFIRMED,
    OrderStatus.PARTIALLY_ALLOCATED,
    OrderStatus.ALLOCATED,
    OrderStatus.RELEASED,
    OrderStatus.PARTIALLY_SHIPPED,
]

RELEASABLE = sorted(states.TRANSITIONS["release"].sources)


def _unallocated(prefix: str = "") -> ExpressionWrapper:
    """A line's quantity still wanting stock (`SalesOrderLine.unallocated_base` in SQL)."""
    return ExpressionWrapper(
        F(f"{prefix}quantity_base")
        - F(f"{prefix}allocated_base")
        - F(f"{prefix}picked_base")
        - F(f"{prefix}shipped_base")
        - F(f"{prefix}cancelled_base"),
        output_field=QUANTITY,
    )


# Customers -----------------------------------------------------------------------------------


def customers(*, tenant) -> QuerySet[Customer]:
    return Customer.objects.filter(tenant=tenant)


def customer_matches(*, tenant, query: str, limit: int) -> list[Customer]:
    """Active customers whose code starts with, or whose name contains, `query`."""
    active = customers(tenant=tenant).filter(is_active=True)
    return list(ranked_matches(active, query=query, code="code", text=("name",))[:limit])


def customer_by_code_or_id(*, tenant, value) -> Customer | None:
    """The customer a form names: by its code as typed, else by id (links carry the id)."""
    if isinstance(value, Customer):
        return value
    text = str(value or "").strip()
    if not text or len(text) > 40 or "\x00" in text:
        return None
    found = customers(tenant=tenant).filter(code=text).first()
    if found is None and parse_id(text) is not None:
        found = customers(tenant=tenant).filter(pk=parse_id(text)).first()
    return found


def carriers_and_routes(*, tenant) -> tuple[list[str], list[str]]:
    """The carriers and the routes in use on the tenant's customers and open orders, sorted."""
    pairs = set(customers(tenant=tenant).values_list("carrier", "route").distinct())
    pairs |= set(
        SalesOrder.objects.filter(tenant=tenant)
        .exclude(status__in=[OrderStatus.CLOSED, OrderStatus.CANCELLED])
        .order_by()
        .values_list("carrier", "route")
        .distinct()
    )
    carriers = sorted({c for c, _ in pairs if c}, key=str.casefold)
    routes = sorted({r for _, r in pairs if r}, key=str.casefold)
    return carriers, routes


def customers_with_counts(*, tenant) -> QuerySet[Customer]:
    open_orders = (
        SalesOrder.objects.filter(tenant=tenant, customer=OuterRef("pk"))
        .exclude(status__in=[OrderStatus.CLOSED, OrderStatus.CANCELLED])
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return customers(tenant=tenant).annotate(
        ship_to_count=Count("ship_tos"), open_orders=Coalesce(Subquery(open_orders), 0)
    )


def ship_tos(*, tenant, customer: Customer | None = None) -> QuerySet[ShipTo]:
    queryset = ShipTo.objects.filter(tenant=tenant).select_related("customer")
    return queryset.filter(customer=customer) if customer is not None else queryset


def carriers(*, tenant) -> list[str]:
    """Carriers on the tenant's customers and orders, for filter choices."""
    return _used_values(tenant, "carrier")


def routes(*, tenant) -> list[str]:
    return _used_values(tenant, "route")


def _used_values(tenant, field: str) -> list[str]:
    on_customers = Customer.objects.filter(tenant=tenant).exclude(**{field: ""})
    on_orders = SalesOrder.objects.filter(tenant=tenant).exclude(**{field: ""})
    values = set(on_customers.values_list(field, flat=True).distinct())
    values |= set(on_orders.values_list(field, flat=True).distinct())
    return sorted(values)


# Orders --------------------------------------------------------------------------------------


def orders(*, tenant) -> QuerySet[SalesOrder]:
    """Orders with their line count, value, and base quantity still wanting stock (a
    backorder once the order is confirmed)."""
    # Per-order subqueries rather than a join grouped over every order: PostgreSQL computes
    # them only for the rows a page returns (and count() leaves them out), where the grouped
    # join summed every line of the tenant's history before the list could show 25 orders.
    amount = ExpressionWrapper(F("quantity") * F("price"), output_field=MONEY)
    return (
        SalesOrder.objects.filter(tenant=tenant)
        .select_related("customer", "ship_to", "site", "created_by")
        .annotate(
            line_count=Coalesce(_per_order(Count("pk"), IntegerField()), 0),
            total=_per_order(Sum(amount), MONEY),
            wanting_base=Coalesce(_per_order(Sum(_unallocated())), ZERO),
            allocated_total=Coalesce(_per_order(Sum("allocated_base")), ZERO),
            shipped_total=Coalesce(_per_order(Sum("shipped_base")), ZERO),
            held_total=Coalesce(_per_order(Sum(F("allocated_base") + F("picked_base"))), ZERO),
        )
    )


def _per_order(aggregate, output_field=QUANTITY) -> Subquery:
    """`aggregate` over the lines of the outer query's order."""
    lines = (
        SalesOrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(figure=aggregate)
        .values("figure")
    )
    return Subquery(lines, output_field=output_field)


def available_actions(*, tenant, order: SalesOrder, user) -> list[str]:
    """What `user` may do to `order` from the order page, in the order shown: the moves its
    status and quantities allow (`orders.states`) that the user's role may make. `order`
    comes from `orders` (its quantity annotations decide allocate and close)."""
    offered = {
        step.name
        for step in states.machine.allowed(
            order, tenant=tenant, user=user, facts=states.Totals.of_annotated(order)
        )
    }
    return [action for action in states.DESK_ACTIONS if action in offered]


def order_lines(*, tenant, order: SalesOrder) -> QuerySet[SalesOrderLine]:
    return (
        SalesOrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("item", "order")
        .order_by("line_no")
    )


def pool(*, tenant) -> QuerySet[SalesOrder]:
    """Confirmed orders up to released, with their customer's priority and how many lines
    still want stock (`short_lines`, beside `wanting_base` from `orders`)."""
    wanting = Q(
        quantity_base__gt=F("allocated_base")
        + F("picked_base")
        + F("shipped_base")
        + F("cancelled_base")
    )
    return (
        orders(tenant=tenant)
        .filter(status__in=POOL)
        .annotate(
            # A subquery like `orders`' figures: a join grouped by order would evaluate those
            # per line (3 s for 300 open orders beside 10^5 shipped ones).
            short_lines=Coalesce(_per_order(Count("pk", filter=wanting), IntegerField()), 0),
            ready_lines=F("line_count") - F("short_lines"),
            priority=F("customer__priority"),
            releasable=Case(
                When(status__in=RELEASABLE, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        # The order allocation serves them in.
        .order_by("customer__priority", "promised_date", "order_date", "pk")
    )


# Backorders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    low: int  # days past the promised date, inclusive
    high: int | None  # inclusive; None: no upper bound

    @property
    def key(self) -> str:
        return f"{self.low}-{self.high}" if self.high is not None else f"{self.low - 1}+"

    @property
    def label(self) -> str:
        return f"{self.span} days"

    @property
    def span(self) -> str:
        """The days alone ("8-14" with an en dash, "60+"): a chart's axis, under a title that
        names the days."""
        if self.high is None:
            return f"{self.low - 1}+"
        return f"{self.low}\N{EN DASH}{self.high}"


# DOMAIN.md, "Backorder aging": 0-7, 8-14, 15-30, 31-60, 60+. A line not yet due is in the
# first bucket.
BUCKETS = [Bucket(0, 7), Bucket(8, 14), Bucket(15, 30), Bucket(31, 60), Bucket(61, None)]


def bucket_for(days_past: int) -> Bucket:
    for bucket in BUCKETS:
        if bucket.high is None or days_past <= bucket.high:
            return bucket
    return BUCKETS[-1]


def bucket_condition(bucket: Bucket, today: datetime.date) -> Q:
    """Lines whose promised date puts them in `bucket`, as a range of promised dates (days
    past = today - promised); the first bucket also takes every line not yet due."""
    condition = Q()
    if bucket.low > 0:
        condition &= Q(promised_date__lte=today - datetime.timedelta(days=bucket.low))
    if bucket.high is not None:
        condition &= Q(promised_date__gte=today - datetime.timedelta(days=bucket.high))
    return condition


def backorder_lines(*, tenant) -> QuerySet[SalesOrderLine]:
    """Open lines of confirmed orders with quantity not yet allocated, with that quantity
    (`backordered`) and its value at the line's price (`backordered_value`)."""
    unallocated = _unallocated()
    value = ExpressionWrapper(
        unallocated * F("price") * F("quantity") / F("quantity_base"), output_field=MONEY
    )
    return (
        SalesOrderLine.objects.filter(tenant=tenant, order__status__in=ALLOCATABLE)
        .annotate(backordered=unallocated, backordered_value=value)
        .filter(backordered__gt=0)
        .select_related("order__customer", "order__site", "item")
    )


def backorder_totals(lines: QuerySet[SalesOrderLine], *, today: datetime.date) -> list[dict]:
    """Lines, base quantity and value per aging bucket of `lines` (one query)."""
    return backorder_summary(lines, today=today)[0]


def backorder_summary(
    lines: QuerySet[SalesOrderLine], *, today: datetime.date
) -> tuple[list[dict], datetime.date | None]:
    """`backorder_totals`, and the earliest promised date among `lines`, in the same query."""
    aggregates = {"oldest": Min("promised_date")}
    for n, bucket in enumerate(BUCKETS):
        condition = bucket_condition(bucket, today)
        aggregates[f"lines{n}"] = Count("pk", filter=condition)
        aggregates[f"quantity{n}"] = Coalesce(Sum("backordered", filter=condition), ZERO)
        aggregates[f"value{n}"] = Coalesce(
            Sum("backordered_value", filter=condition), Value(Decimal(0), output_field=MONEY)
        )
    figures = lines.order_by().aggregate(**aggregates)
    buckets = [
        {
            "bucket": bucket,
            "lines": figures[f"lines{n}"],
            "quantity": figures[f"quantity{n}"],
            "value": figures[f"value{n}"],
        }
        for n, bucket in enumerate(BUCKETS)
    ]
    return buckets, figures["oldest"]


def days_between(start: datetime.date | datetime.datetime | None, end: datetime.date) -> int | None:
    if start is None:
        return None
    if isinstance(start, datetime.datetime):
        start = timezone.localtime(start).date()
    return (end - start).days


# Order entry ---------------------------------------------------------------------------------


def unit_factor(*, tenant, item: Item, unit: str) -> Decimal | None:
    """Base units in one `unit` of `item`; None when the item has no such unit."""
    if unit == item.base_unit:
        return Decimal(1)
    return (
        ItemUnit.objects.filter(tenant=tenant, item=item, code=unit)
        .values_list("factor", flat=True)
        .first()
    )


def default_price(*, tenant, customer: Customer, item: Item, unit: str) -> Decimal | None:
    """The price per `unit` this customer last paid for `item`, else the latest any customer
    paid; None when the item was never sold. Items carry no list price, so the last sale is
    the best default (converted through the units, since it may have been in another unit)."""
    factor = unit_factor(tenant=tenant, item=item, unit=unit)
    if factor is None:
        return None
    sold = SalesOrderLine.objects.filter(tenant=tenant, item=item).exclude(
        order__status=OrderStatus.CANCELLED
    )
    for lines in (sold.filter(order__customer=customer), sold):
        last = lines.order_by("-order__created_at", "-pk").first()
        if last is not None:
            per_base = last.price * last.quantity / last.quantity_base
            return (per_base * factor).quantize(Decimal("0.000001"))
    return None


@dataclass
class LineCheck:
    """What ATP says about a line before it is added."""

    item: Item
    unit: str
    quantity: Decimal
    quantity_base: Decimal
    requested: datetime.date
    on_requested: Decimal  # promisable on the requested date, in base units
    first_date: datetime.date | None  # the first date the whole quantity can be promised
    price: Decimal | None
    units: list[ItemUnit]

    @property
    def covered(self) -> bool:
        return self.first_date is not None and self.first_date <= self.requested

    @property
    def shortfall(self) -> Decimal:
        """Base units the requested date cannot promise."""
        return max(self.quantity_base - self.on_requested, Decimal(0))

    @property
    def days_late(self) -> int | None:
        if self.first_date is None:
            return None
        return (self.first_date - self.requested).days


def line_check(
    *, tenant, order: SalesOrder, item: Item, quantity: Decimal, unit: str,
    requested: datetime.date,
) -> LineCheck:  # fmt: skip
    """ATP for `quantity` `unit` of `item` from the order's site: what can be promised on the
    requested date and the first date the whole quantity can be. Raises `OrderError` for a
    unit the item lacks or a quantity that would split an indivisible unit."""
    # The conversion add_line applies, so the check and the added line agree.
    base = sales_orders.base_quantity(tenant, item, unit, quantity)
    first, on_requested = sales_orders.promise_date(
        tenant=tenant, item=item, site=order.site, quantity_base=base, requested=requested
    )
    return LineCheck(
        item=item,
        unit=unit,
        quantity=quantity,
        quantity_base=base,
        requested=requested,
        on_requested=max(on_requested, Decimal(0)),
        first_date=first,
        price=default_price(tenant=tenant, customer=order.customer, item=item, unit=unit),
        units=list(ItemUnit.objects.filter(tenant=tenant, item=item).order_by("factor", "code")),
    )
