"""The integration API under load, through a real WSGI client with a real token.

    .venv/bin/python bench/api.py [--skus 1000] [--orders 200]

Sets up a fresh bench tenant (a site with a bin holding stock of `--skus` items received
through the ledger, a customer with its address, an admin's API token), then:

(a) bulk ATP: one `POST /api/v1/atp/query` for every SKU of the tenant (skipped, with a note,
    where the route is not there yet);
(b) `--orders` sales orders created one after another by `POST /api/v1/sales-orders`, each
    with its own Idempotency-Key, then the same number made by calling the orders service
    directly in this process (the reference: the API's own cost is the ratio);
(c) the sales order list at 10 and at 200 a page: the statements must be the same.

Each part prints requests per second and SQL statements per request, and checks it did the
work (ATP answered every SKU; the orders exist with their lines; a repeated key made nothing).
Last line: `orders_per_second <n>` (API). The bench tenants stay (ledger entries cannot be
deleted).
"""

from __future__ import annotations

import argparse
import datetime
import json
import time
import uuid
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from erp.api import tokens  # noqa: E402
from erp.models import Membership, Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.models import Bin, Item, Location, Site, Zone  # noqa: E402
from orders.models import Customer, SalesOrder, SalesOrderLine, ShipTo  # noqa: E402
from orders.services import sales_orders  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

REQUESTED = datetime.date.today() + datetime.timedelta(days=7)
LINES_PER_ORDER = 3


class Statements:
    """Counts the SQL statements this thread's connection runs while active."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def setup(skus: int):
    tenant = Tenant.objects.create(slug=f"bench-api-{uuid.uuid4().hex[:8]}", name="Bench API")
    user = UserFactory(email=f"{tenant.slug}@bench.invalid")
    with tenant_context(tenant):
        Membership.objects.create(tenant=tenant, user=user, role="admin")
        site = Site.objects.create(tenant=tenant, code="BEN", name="Bench")
        zone = Zone.objects.create(
            tenant=tenant, site=site, code="PCK", name="Pick", zone_type="pick"
        )
        pick = Bin.objects.create(
            tenant=tenant, site=site, zone=zone, code="P-1", bin_type="pick_face"
        )
        ledger.ensure_bin_locations(tenant=tenant)
        location = Location.objects.get(tenant=tenant, bin=pick)
        items = Item.objects.bulk_create(
            [
                Item(tenant=tenant, sku=f"API-{n:05d}", description=f"Bench item {n}",
                     standard_cost=Decimal("2.00"))
                for n in range(skus)
            ]
        )  # fmt: skip
        supplier = ledger.virtual_location(tenant=tenant, kind="supplier")
        ledger.post(
            tenant=tenant, user=None, kind="receipt", reference="bench stock",
            moves=[
                ledger.Move(item=item, quantity=Decimal(50 + n % 50), source=supplier,
                            destination=location, unit_cost=Decimal("2.00"))
                for n, item in enumerate(items)
            ],
        )  # fmt: skip
        customer = Customer.objects.create(tenant=tenant, code="BENCH", name="Bench customer")
        ShipTo.objects.create(
            tenant=tenant, customer=customer, name="Dock", address_line1="1 Bench Rd",
            city="Testville", is_default=True,
        )  # fmt: skip
        _, raw = tokens.create_token(
            tenant=tenant, user=user, name="bench", role="admin", rate_per_minute=100_000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_item, inventory_stockbalance, inventory_projection")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_HOST="localhost")
    return tenant, user, site, customer, items, client


def post(client: Client, path: str, body: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
    )


def bulk_atp(client: Client, site: Site, items: list[Item]) -> None:
    try:
        resolve("/api/v1/atp/query")
    except Resolver404:
        print("(a) bulk ATP: skipped, POST /api/v1/atp/query is not on this branch yet")
        return
    skus = [item.sku for item in items]
    post(client, "/atp/query", {"site": site.code, "skus": skus[:3]})  # warm
    with Statements() as counted:
        began = time.perf_counter()
        response = post(client, "/atp/query", {"site": site.code, "skus": skus})
        elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.content[:500]
    answer = response.json()
    assert answer["unknown_skus"] == [], answer["unknown_skus"][:5]
    assert {row["sku"] for row in answer["items"]} == set(skus), "ATP left SKUs out"
    print(
        f"(a) bulk ATP for {len(skus)} SKUs in one request: {elapsed * 1000:.0f} ms "
        f"({1 / elapsed:.1f} requests/s, {len(skus) / elapsed:.0f} SKUs/s), "
        f"{counted.count} statements per request"
    )


def order_body(customer: Customer, site: Site, items: list[Item], n: int) -> dict:
    return {
        "customer": customer.code,
        "site": site.code,
        "requested_date": REQUESTED.isoformat(),
        "customer_reference": f"BENCH-{n}",
        "lines": [
            {"sku": items[(n * LINES_PER_ORDER + k) % len(items)].sku, "quantity": "2",
             "price": "4.50"}
            for k in range(LINES_PER_ORDER)
        ],
    }  # fmt: skip


def orders_by_api(tenant, client, customer, site, items, count: int) -> tuple[float, float]:
    post(client, "/sales-orders", order_body(customer, site, items, -1), key="warm")
    bodies = [order_body(customer, site, items, n) for n in range(count)]
    made = []
    with Statements() as counted:
        began = time.perf_counter()
        for n, body in enumerate(bodies):
            response = post(client, "/sales-orders", body, key=f"bench-order-{n}")
            assert response.status_code == 201, response.content[:500]
            made.append(response.json()["id"])
        elapsed = time.perf_counter() - began
    again = post(client, "/sales-orders", bodies[0], key="bench-order-0")
    assert again.status_code == 201 and again.json()["id"] == made[0], "a repeated key made work"
    with tenant_context(tenant):
        orders = SalesOrder.objects.filter(tenant=tenant, pk__in=made, status="draft")
        lines = SalesOrderLine.objects.filter(tenant=tenant, order__in=made)
        assert orders.count() == count, orders.count()
        assert lines.count() == count * LINES_PER_ORDER, lines.count()
        assert SalesOrder.objects.filter(tenant=tenant).count() == count + 1  # + the warm-up
    per_request = counted.count / count
    print(
        f"(b) {count} sales orders of {LINES_PER_ORDER} lines by POST /api/v1/sales-orders: "
        f"{elapsed:.2f} s ({count / elapsed:.1f} requests/s), {per_request:.1f} statements "
        f"per request; {count} orders with {count * LINES_PER_ORDER} lines checked"
    )
    return elapsed, per_request


def orders_by_service(tenant, user, customer, site, items, count: int) -> tuple[float, float]:
    bodies = [order_body(customer, site, items, count + n) for n in range(count)]
    by_sku = {item.sku: item for item in items}
    made = []
    with Statements() as counted:
        began = time.perf_counter()
        for body in bodies:
            # One transaction per order, as one request is.
            with tenant_context(tenant):
                order = sales_orders.create_order(
                    tenant=tenant, user=user, customer=customer, site=site,
                    requested_date=REQUESTED, customer_reference=body["customer_reference"],
                )  # fmt: skip
                for line in body["lines"]:
                    sales_orders.add_line(
                        tenant=tenant, user=user, order=order, item=by_sku[line["sku"]],
                        quantity=Decimal(line["quantity"]), price=Decimal(line["price"]),
                    )  # fmt: skip
                made.append(order.pk)
        elapsed = time.perf_counter() - began
    with tenant_context(tenant):
        assert SalesOrderLine.objects.filter(order__in=made).count() == count * LINES_PER_ORDER
    per_order = counted.count / count
    print(
        f"    reference: the same {count} orders by orders.services.sales_orders in this "
        f"process: {elapsed:.2f} s ({count / elapsed:.1f} orders/s), {per_order:.1f} "
        f"statements per order"
    )
    return elapsed, per_order


def list_statements(client: Client, limit: int, orders: int) -> tuple[int, float]:
    client.get("/api/v1/sales-orders", {"limit": limit})  # warm
    with Statements() as counted:
        began = time.perf_counter()
        response = client.get("/api/v1/sales-orders", {"limit": limit})
        elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.content[:500]
    assert len(response.json()["items"]) == min(limit, orders), len(response.json()["items"])
    return counted.count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=1_000)
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    tenant, user, site, customer, items, client = setup(args.skus)
    print(f"setup: {args.skus} items with stock, a token: {time.perf_counter() - started:.1f} s")

    bulk_atp(client, site, items)

    api_time, api_per_request = orders_by_api(tenant, client, customer, site, items, args.orders)
    service_time, service_per_order = orders_by_service(
        tenant, user, customer, site, items, args.orders
    )
    print(
        f"    API / service: {api_time / service_time:.2f} in time, "
        f"{api_per_request / service_per_order:.2f} in statements"
    )

    with tenant_context(tenant):
        orders = SalesOrder.objects.filter(tenant=tenant).count()
    small, small_time = list_statements(client, 10, orders)
    large, large_time = list_statements(client, 200, orders)
    print(
        f"(c) GET /api/v1/sales-orders: {small} statements at limit 10 "
        f"({1 / small_time:.0f} requests/s), {large} at limit 200 ({1 / large_time:.0f} "
        f"requests/s)"
    )
    assert small == large, "statements per request grow with the page size"
    print(f"orders_per_second {args.orders / api_time:.1f}")


if __name__ == "__main__":
    main()
