"""Customers and their ship-to addresses.

A customer with addresses always has exactly one default ship-to (the database allows at most
one; these services keep at least one): its first address becomes the default, marking
another as default unmarks the old one, and the default cannot simply be unmarked.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from erp.models import Tenant, User
from erp.roles import require_role
from orders import permissions
from orders.errors import (
    DefaultShipToRequired,
    DuplicateCustomer,
    InvalidCustomer,
    ShipToOfAnotherCustomer,
)
from orders.models import Customer, PriorityTier, ShipTo

EDITORS = permissions.EDITORS


def _check_customer(customer: Customer) -> None:
    code = customer.code.strip()
    if not code or any(ch.isspace() for ch in code):
        raise InvalidCustomer(f"Customer code '{customer.code}' cannot be empty or contain spaces.")
    if customer.priority not in PriorityTier.values:
        raise InvalidCustomer(
            f"Priority {customer.priority} is not one of 1 (key account), 2 (standard), 3 (low)."
        )
    if customer.min_shelf_life_days < 0:
        raise InvalidCustomer("A minimum shelf life cannot be negative.")


@transaction.atomic
def save_customer(*, tenant: Tenant, user: User, customer: Customer) -> Customer:
    """Create or update a customer. Raises `DuplicateCustomer` for a code the tenant already
    uses and `InvalidCustomer` for a blank code or a priority outside 1-3."""
    require_role(tenant=tenant, user=user, roles=EDITORS)
    customer.tenant = tenant
    customer.code = customer.code.strip()
    _check_customer(customer)
    customer._history_user = user  # also outside a request (tasks, commands)
    try:
        # A savepoint, so a duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        if "orders_customer_tenant_code_uniq" in str(exc):
            raise DuplicateCustomer(code=customer.code) from exc
        raise
    return customer


@transaction.atomic
def save_ship_to(*, tenant: Tenant, user: User, ship_to: ShipTo) -> ShipTo:
    """Create or update a ship-to address, keeping one default per customer.

    Locks the customer row first, so two people changing its default addresses at once
    serialize instead of tripping the one-default constraint. Raises
    `ShipToOfAnotherCustomer` when an existing address is moved to another customer and
    `DefaultShipToRequired` when the default is unmarked without another taking its place.
    """
    require_role(tenant=tenant, user=user, roles=EDITORS)
    customer = Customer.objects.select_for_update().get(tenant=tenant, pk=ship_to.customer_id)
    ship_to.tenant = tenant
    ship_to.country = (ship_to.country or "").strip().upper()
    if len(ship_to.country) != 2 or not ship_to.country.isalpha():
        raise InvalidCustomer(
            f"Country '{ship_to.country}' is not a two-letter ISO 3166 code such as US or DE."
        )
    addresses = ShipTo.objects.filter(tenant=tenant, customer=customer)
    if ship_to.pk is not None:
        stored = (
            ShipTo.objects.filter(tenant=tenant, pk=ship_to.pk).select_related("customer").first()
        )
        if stored is not None and stored.customer_id != customer.pk:
            raise ShipToOfAnotherCustomer(owner=stored.customer.name, customer=customer.name)
        if stored is not None and stored.is_default and not ship_to.is_default:
            raise DefaultShipToRequired(customer=customer.name)
        addresses = addresses.exclude(pk=ship_to.pk)
    if ship_to.is_default:
        # Unmark the old default first: the one-default constraint is checked per row.
        for other in addresses.filter(is_default=True):
            other.is_default = False
            other._history_user = user
            other.save(update_fields=["is_default"])
    elif not addresses.filter(is_default=True).exists():
        ship_to.is_default = True  # a customer's first address is where its orders go
    ship_to._history_user = user
    ship_to.save()
    return ship_to
