"""Customer services: codes unique per tenant, one default ship-to per customer, roles."""

from __future__ import annotations

import pytest

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from orders.errors import (
    DefaultShipToRequired,
    DuplicateCustomer,
    InvalidCustomer,
    ShipToOfAnotherCustomer,
)
from orders.models import Customer, ShipTo
from orders.services import customers
from tests.factories import CustomerFactory, member

pytestmark = pytest.mark.django_db


def _address(customer, name="Dock", **kwargs):
    return ShipTo(
        tenant=customer.tenant,
        customer=customer,
        name=name,
        address_line1="1 Main St",
        city="Springfield",
        **kwargs,
    )


def _save(tenant, user, ship_to):
    with tenant_context(tenant):
        return customers.save_ship_to(tenant=tenant, user=user, ship_to=ship_to)


def test_a_code_used_by_another_customer_is_refused_but_another_tenant_may_use_it(
    tenant_a, tenant_b
):
    CustomerFactory(tenant=tenant_a, code="ACME")
    planner = member(tenant_a, Role.PLANNER)
    with tenant_context(tenant_a), pytest.raises(DuplicateCustomer, match="ACME already exists"):
        customers.save_customer(
            tenant=tenant_a, user=planner, customer=Customer(code="ACME", name="Again")
        )
    other = member(tenant_b, Role.SUPERVISOR)
    with tenant_context(tenant_b):
        saved = customers.save_customer(
            tenant=tenant_b, user=other, customer=Customer(code="ACME", name="Bravo's Acme")
        )
        assert saved.tenant == tenant_b and saved.history.get().history_user == other


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"code": "A B"}, "cannot be empty or contain spaces"),
        ({"code": "A", "priority": 4}, "Priority 4 is not one of 1"),
    ],
)
def test_a_bad_customer_is_refused_with_a_message(tenant_a, fields, message):
    admin = member(tenant_a, Role.ADMIN)
    with tenant_context(tenant_a), pytest.raises(InvalidCustomer, match=message):
        customers.save_customer(tenant=tenant_a, user=admin, customer=Customer(name="X", **fields))


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.FINANCE])
def test_operators_and_finance_cannot_change_customers(tenant_a, role):
    customer = CustomerFactory(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        customers.save_customer(tenant=tenant_a, user=member(tenant_a, role), customer=customer)
    with pytest.raises(RoleRequired):
        _save(tenant_a, member(tenant_a, role), _address(customer))


def test_the_first_address_becomes_the_default_and_a_new_default_unmarks_the_old(tenant_a):
    customer = CustomerFactory(tenant=tenant_a)
    user = member(tenant_a, Role.SUPERVISOR)
    first = _save(tenant_a, user, _address(customer, "Main"))
    assert first.is_default
    second = _save(tenant_a, user, _address(customer, "Branch"))
    assert not second.is_default
    third = _save(tenant_a, user, _address(customer, "New HQ", is_default=True))
    with tenant_context(tenant_a):
        defaults = list(
            ShipTo.objects.filter(customer=customer, is_default=True).values_list("pk", flat=True)
        )
        first.refresh_from_db()
        assert first.history.first().history_user == user
    assert defaults == [third.pk] and not first.is_default


def test_the_default_cannot_simply_be_unmarked(tenant_a):
    customer = CustomerFactory(tenant=tenant_a, name="Acme Foods")
    user = member(tenant_a, Role.PLANNER)
    only = _save(tenant_a, user, _address(customer))
    only.is_default = False
    with pytest.raises(DefaultShipToRequired, match="Acme Foods needs one default ship-to"):
        _save(tenant_a, user, only)


def test_an_address_cannot_move_to_another_customer(tenant_a):
    user = member(tenant_a, Role.ADMIN)
    address = _save(tenant_a, user, _address(CustomerFactory(tenant=tenant_a, name="First")))
    address.customer = CustomerFactory(tenant=tenant_a, name="Second")
    with pytest.raises(ShipToOfAnotherCustomer, match="belongs to First, not Second"):
        _save(tenant_a, user, address)


def test_a_country_must_be_two_letters(tenant_a):
    customer = CustomerFactory(tenant=tenant_a)
    with pytest.raises(InvalidCustomer, match="'USA' is not a two-letter"):
        _save(tenant_a, member(tenant_a), _address(customer, country="usa"))
    saved = _save(tenant_a, member(tenant_a), _address(customer, country="ca"))
    assert saved.country == "CA"
