"""Suppliers: list, one, and create through the suppliers service."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from erp.api.fields import Code, code, text
from erp.api.paging import PageQuery, keyset, page_of
from erp.api.site import Id, answers, roles
from purchasing import permissions, selectors
from purchasing.models import Supplier
from purchasing.services import suppliers as service

router = Router(tags=["Suppliers"])


class SupplierOut(Schema):
    id: int
    code: str
    name: str
    contact_name: str
    email: str
    phone: str
    address: str
    default_lead_time_days: int
    over_receipt_tolerance_pct: Decimal
    currency: str
    is_active: bool
    updated_at: datetime.datetime


class SupplierIn(Schema):
    code: code(20)
    name: text(200, min_length=1)
    contact_name: text(120) = ""
    email: text(254) = ""
    phone: text(40) = ""
    address: text(2000) = ""
    default_lead_time_days: int = Field(7, ge=0, le=3650)
    over_receipt_tolerance_pct: Decimal = Field(
        Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2
    )
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. USD")
    is_active: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        # The pages' form checks it with Django's validator; the service saves what it gets.
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise ValueError("Enter a valid email address.") from exc
        return value


SupplierPage = page_of(SupplierOut)


@router.get("/suppliers", response=answers(SupplierPage), summary="List suppliers")
def list_suppliers(request, page: Query[PageQuery], code: Code | None = None):
    """Suppliers oldest change first; `code` picks one by its exact code."""
    roles(request, permissions.VIEWERS)
    found = selectors.suppliers(tenant=request.tenant)
    if code is not None:
        found = found.filter(code=code)
    return keyset(found, page)


@router.get("/suppliers/{supplier_id}", response=answers(SupplierOut), summary="One supplier")
def get_supplier(request, supplier_id: Id):
    """A supplier of this organisation; another organisation's id is 404."""
    roles(request, permissions.VIEWERS)
    return get_object_or_404(selectors.suppliers(tenant=request.tenant), pk=supplier_id)


@router.post("/suppliers", response=answers(SupplierOut, 201), summary="Create a supplier")
def create_supplier(request, body: SupplierIn):
    """A new supplier, saved by the same service as the supplier form (a code already used
    is 400 `duplicate_supplier`)."""
    roles(request, permissions.BUYERS)
    supplier = service.save_supplier(
        tenant=request.tenant, user=request.user, supplier=Supplier(**body.dict())
    )
    return Status(201, selectors.suppliers(tenant=request.tenant).get(pk=supplier.pk))
