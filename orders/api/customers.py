"""Customers with their ship-to addresses: list, one, and create through the customers
service."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from erp.api.fields import Code, code, text
from erp.api.paging import PageQuery, keyset, page_of
from erp.api.site import Id, answers, roles
from orders import permissions, selectors
from orders.models import Customer, PriorityTier, ShipTo
from orders.services import customers as service

router = Router(tags=["Customers"])


class ShipToOut(Schema):
    id: int
    name: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    country: str
    is_default: bool


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    priority: int = Field(..., description="1 key account, 2 standard, 3 low")
    min_shelf_life_days: int
    carrier: str
    route: str
    credit_hold: bool
    email: str
    phone: str
    is_active: bool
    ship_tos: list[ShipToOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_ship_tos(customer: Customer) -> list[ShipTo]:
        return list(customer.ship_tos.all())


class CustomerIn(Schema):
    code: code(20)
    name: text(200, min_length=1)
    priority: PriorityTier = PriorityTier.STANDARD
    min_shelf_life_days: int = Field(0, ge=0, le=36500)
    carrier: text(60) = ""
    route: text(40) = ""
    credit_hold: bool = False
    email: text(254) = ""
    phone: text(40) = ""
    is_active: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        # The customer form checks it with Django's validator; the service saves what it gets.
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise ValueError("Enter a valid email address.") from exc
        return value


CustomerPage = page_of(CustomerOut)


def _customers(request):
    addresses = Prefetch(
        "ship_tos",
        queryset=selectors.ship_tos(tenant=request.tenant).order_by("-is_default", "name", "pk"),
    )
    return selectors.customers(tenant=request.tenant).prefetch_related(addresses)


@router.get("/customers", response=answers(CustomerPage), summary="List customers")
def list_customers(request, page: Query[PageQuery], code: Code | None = None):
    """Customers with their ship-to addresses, oldest change first; `code` picks one."""
    roles(request, permissions.VIEWERS)
    found = _customers(request)
    if code is not None:
        found = found.filter(code=code)
    return keyset(found, page)


@router.get("/customers/{customer_id}", response=answers(CustomerOut), summary="One customer")
def get_customer(request, customer_id: Id):
    """A customer of this organisation with its ship-to addresses."""
    roles(request, permissions.VIEWERS)
    return get_object_or_404(_customers(request), pk=customer_id)


@router.post("/customers", response=answers(CustomerOut, 201), summary="Create a customer")
def create_customer(request, body: CustomerIn):
    """A new customer, saved by the same service as the customer form (a code already used
    is 400 `duplicate_customer`). Ship-to addresses are added on the customer's page."""
    roles(request, permissions.EDITORS)
    customer = service.save_customer(
        tenant=request.tenant, user=request.user, customer=Customer(**body.dict())
    )
    return Status(201, get_object_or_404(_customers(request), pk=customer.pk))
