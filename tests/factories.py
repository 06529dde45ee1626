"""factory-boy factories. Tenant-owned rows are created inside their tenant's context (RLS)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from erp.invitations import VALID_FOR, hash_token
from erp.models import Invitation, Membership, Tenant, User
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Bin, BinType, Item, ItemUnit, Lot, SerialNumber, Site, Zone, ZoneType

PASSWORD = "test-password-123"


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Ltd")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TenantOwnedFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenant_context(kwargs["tenant"]):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class InvitationFactory(TenantOwnedFactory):
    """A pending invitation; its link's token is `token` (only the hash is stored)."""

    class Meta:
        model = Invitation

    class Params:
        token = factory.Sequence(lambda n: f"invitation-token-{n}")

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PLANNER
    invited_by = None
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    expires_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC) + VALID_FOR)


class SiteFactory(TenantOwnedFactory):
    class Meta:
        model = Site

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    time_zone = "Europe/Berlin"


class ZoneFactory(TenantOwnedFactory):
    class Meta:
        model = Zone

    site = factory.SubFactory(SiteFactory)
    tenant = factory.SelfAttribute("site.tenant")
    code = factory.Sequence(lambda n: f"Z{n}")
    name = factory.LazyAttribute(lambda o: f"Zone {o.code}")
    zone_type = ZoneType.STORAGE


class BinFactory(TenantOwnedFactory):
    class Meta:
        model = Bin
        skip_postgeneration_save = True

    zone = factory.SubFactory(ZoneFactory)
    site = factory.SelfAttribute("zone.site")
    tenant = factory.SelfAttribute("zone.tenant")
    code = factory.Sequence(lambda n: f"B-{n:05}")
    bin_type = BinType.RESERVE
    walk_sequence = factory.Sequence(lambda n: n * 10)

    @factory.post_generation
    def ledger_location(obj, create, extracted, **kwargs):
        if create:
            from inventory.ledger import ensure_bin_locations

            with tenant_context(obj.tenant):
                ensure_bin_locations(tenant=obj.tenant, bins=[obj])


def member(tenant: Tenant, role: Role = Role.ADMIN, **kwargs) -> User:
    """A user holding `role` in `tenant`."""
    return MembershipFactory(tenant=tenant, role=role, **kwargs).user


class ItemFactory(TenantOwnedFactory):
    class Meta:
        model = Item

    tenant = factory.SubFactory(TenantFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05}")
    description = factory.LazyAttribute(lambda o: f"Item {o.sku}")
    category = "general"
    standard_cost = Decimal("2.50")


class ItemUnitFactory(TenantOwnedFactory):
    class Meta:
        model = ItemUnit

    item = factory.SubFactory(ItemFactory)
    tenant = factory.SelfAttribute("item.tenant")
    code = "case"
    factor = Decimal("12")


class LotFactory(TenantOwnedFactory):
    class Meta:
        model = Lot

    item = factory.SubFactory(ItemFactory, tracking="lot")
    tenant = factory.SelfAttribute("item.tenant")
    code = factory.Sequence(lambda n: f"LOT{n:04}")
    expiry_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=180))


class SerialFactory(TenantOwnedFactory):
    class Meta:
        model = SerialNumber

    item = factory.SubFactory(ItemFactory, tracking="serial")
    tenant = factory.SelfAttribute("item.tenant")
    serial = factory.Sequence(lambda n: f"SN{n:06}")


def bin_in(tenant: Tenant, **kwargs) -> Bin:
    """A bin (with its site and zone) in `tenant`."""
    site = kwargs.pop("site", None) or SiteFactory(tenant=tenant)
    zone = kwargs.pop("zone", None) or ZoneFactory(site=site)
    return BinFactory(zone=zone, **kwargs)


class SupplierFactory(TenantOwnedFactory):
    class Meta:
        model = "purchasing.Supplier"

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"SUP{n:03}")
    name = factory.LazyAttribute(lambda o: f"Supplier {o.code}")
    default_lead_time_days = 5
    over_receipt_tolerance_pct = Decimal("5")


class PurchaseOrderFactory(TenantOwnedFactory):
    class Meta:
        model = "purchasing.PurchaseOrder"

    supplier = factory.SubFactory(SupplierFactory)
    tenant = factory.SelfAttribute("supplier.tenant")
    site = factory.SubFactory(SiteFactory, tenant=factory.SelfAttribute("..tenant"))
    number = factory.Sequence(lambda n: f"PO-T{n:05}")
    expected_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    currency = "USD"
    created_by = factory.LazyAttribute(lambda o: member(o.tenant, "planner"))


class PurchaseOrderLineFactory(TenantOwnedFactory):
    """A line in the item's base unit (add_line's conversion is tested on its own)."""

    class Meta:
        model = "purchasing.PurchaseOrderLine"

    order = factory.SubFactory(PurchaseOrderFactory)
    tenant = factory.SelfAttribute("order.tenant")
    line_no = factory.Sequence(lambda n: n + 1)
    item = factory.SubFactory(ItemFactory, tenant=factory.SelfAttribute("..tenant"))
    unit = factory.SelfAttribute("item.base_unit")
    quantity = Decimal(10)
    quantity_base = factory.SelfAttribute("quantity")
    unit_cost = Decimal("2.00")
    expected_date = factory.SelfAttribute("order.expected_date")


class DiscrepancyFactory(TenantOwnedFactory):
    """An open receiving discrepancy on a purchase order line, as a supervisor finds it in the
    list; receiving records real ones where they happen (warehouse.receiving.services)."""

    class Meta:
        model = "warehouse.Discrepancy"

    order_line = factory.SubFactory(PurchaseOrderLineFactory)
    order = factory.SelfAttribute("order_line.order")
    tenant = factory.SelfAttribute("order_line.tenant")
    item = factory.SelfAttribute("order_line.item")
    kind = "short_receipt"
    quantity = Decimal(2)
    reason = "2 fewer than the delivery note"
    needs_approval = True
    created_by = factory.SelfAttribute("order.created_by")


class CustomerFactory(TenantOwnedFactory):
    class Meta:
        model = "orders.Customer"

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"C{n:04}")
    name = factory.LazyAttribute(lambda o: f"Customer {o.code}")
    priority = 2


def confirmed_order(customer, site, lines, *, promised=None, user=None):
    """A confirmed sales order for `customer` shipping from `site`; lines are (item, quantity)."""
    from orders.services import sales_orders

    tenant = customer.tenant
    user = user or member(tenant, "supervisor")
    requested = promised or datetime.date.today()
    with tenant_context(tenant):
        order = sales_orders.create_order(
            tenant=tenant, user=user, customer=customer, site=site, requested_date=requested
        )
        for item, quantity in lines:
            line = sales_orders.add_line(
                tenant=tenant,
                user=user,
                order=order,
                item=item,
                quantity=Decimal(quantity),
                price=Decimal("10"),
            )
            # Tests pin the promise date instead of taking ATP's.
            type(line).objects.filter(pk=line.pk).update(promised_date=requested)
        sales_orders.confirm(tenant=tenant, user=user, order=order)
        order.refresh_from_db()
    return order


class SalesOrderFactory(TenantOwnedFactory):
    """An order at any `status`, set directly: for tests of the state machine's table. Orders
    that must be real (lines, demand, reservations) come from `confirmed_order`."""

    class Meta:
        model = "orders.SalesOrder"

    tenant = factory.SubFactory(TenantFactory)
    number = factory.Sequence(lambda n: f"SO-T{n:05}")
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    site = factory.SubFactory(SiteFactory, tenant=factory.SelfAttribute("..tenant"))
    order_date = factory.LazyFunction(datetime.date.today)
    requested_date = factory.LazyFunction(datetime.date.today)
    promised_date = factory.LazyFunction(datetime.date.today)
    created_by = factory.LazyAttribute(lambda o: member(o.tenant, "planner"))


class AlertFactory(TenantOwnedFactory):
    """An open alert routed to supervisors; rule runs make real ones (erp.alerts.services)."""

    class Meta:
        model = "erp.Alert"

    tenant = factory.SubFactory(TenantFactory)
    kind = "test.kind"
    subject = factory.Sequence(lambda n: f"thing:{n}")
    message = factory.LazyAttribute(lambda o: f"Something is wrong with {o.subject}")
    link = "/"
    roles = factory.LazyFunction(lambda: [Role.SUPERVISOR.value, Role.ADMIN.value])
    raised_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class ReturnPolicyFactory(TenantOwnedFactory):
    class Meta:
        model = "returns.ReturnPolicy"

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    window_days = 30
    restocking_fee_pct = Decimal("10")
    opened_accepted = True


class DispositionRuleFactory(TenantOwnedFactory):
    class Meta:
        model = "returns.DispositionRule"
        django_get_or_create = ("tenant", "grade", "reason")

    tenant = factory.SubFactory(TenantFactory)
    grade = "opened"
    reason = ""
    disposition = "restock"
    creditable = True


class PlanningRunFactory(TenantOwnedFactory):
    class Meta:
        model = "purchasing.PlanningRun"

    tenant = factory.SubFactory(TenantFactory)
    status = "done"
    as_of = factory.LazyFunction(datetime.date.today)


class SuggestionFactory(TenantOwnedFactory):
    """An open purchase suggestion with plausible figures (d̄ 14/day, LT 9 ± 2, z 1.645)."""

    class Meta:
        model = "purchasing.ReorderSuggestion"

    tenant = factory.SubFactory(TenantFactory)
    run = factory.SubFactory(PlanningRunFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = "purchase"
    item = factory.SubFactory(ItemFactory, tenant=factory.SelfAttribute("..tenant"))
    site = factory.SubFactory(SiteFactory, tenant=factory.SelfAttribute("..tenant"))
    supplier = factory.SubFactory(SupplierFactory, tenant=factory.SelfAttribute("..tenant"))
    abc_class, xyz_class = "A", "X"
    suggested_quantity = quantity = Decimal(240)
    pack_size = Decimal(120)
    unit_cost = Decimal("2.00")
    demand_per_day, demand_sd = Decimal(14), Decimal(8)
    lead_time_days, lead_time_sd = Decimal(9), Decimal(2)
    service_level, z = "95", Decimal("1.645")
    safety_stock, reorder_point, order_up_to = Decimal(61), Decimal(187), Decimal(383)
    on_hand = position = Decimal(120)
    on_order = in_transit = backorders = reserved = Decimal(0)
    stockout_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=8))
    explanation = "d̄ 14/day, LT 9±2 d, z 1.645 -> SS 61, ROP 187, on hand 120 -> suggest 240"


def api_token(tenant: Tenant, role: Role = Role.ADMIN, **kwargs):
    """(token, its text): made by the service, the only way a token's client comes to be."""
    from erp.api import tokens

    with tenant_context(tenant):
        return tokens.create_token(
            tenant=tenant,
            user=member(tenant, Role.ADMIN),
            name=kwargs.pop("name", f"token {uuid.uuid4().hex[:8]}"),
            role=role,
            **kwargs,
        )


class WebhookEndpointFactory(TenantOwnedFactory):
    """An active endpoint subscribed to every registered event type."""

    class Meta:
        model = "erp.WebhookEndpoint"

    tenant = factory.SubFactory(TenantFactory)
    url = factory.Sequence(lambda n: f"http://127.0.0.1:9/hook-{n}")
    description = "Integration"
    event_types = factory.LazyFunction(lambda: list(_webhook_types()))
    created_by = factory.LazyAttribute(lambda o: member(o.tenant))


def _webhook_types():
    from erp.webhooks.events import EVENT_TYPES

    return EVENT_TYPES
