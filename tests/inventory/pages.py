"""Helpers for the stock, ledger and valuation page tests: postings at chosen times, and
the rows a table page rendered."""

from __future__ import annotations

import datetime
from decimal import Decimal

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Bin, LocationKind
from tests.inventory.stock import loc


def utc(text: str) -> datetime.datetime:
    """'2025-03-05 23:30' as an aware UTC datetime."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def _location(tenant, place):
    if isinstance(place, Bin):
        return loc(place)
    return ledger.virtual_location(tenant=tenant, kind=place)


def post_move(
    tenant,
    item,
    source,
    destination,
    quantity,
    *,
    kind="move",
    at=None,
    unit_cost=None,
    user=None,
    reference="",
    lot=None,
    serial=None,
    status="available",
):
    """Post one move between bins or virtual locations (a LocationKind), at time `at`."""
    with tenant_context(tenant):
        return ledger.post(
            tenant=tenant,
            user=user,
            kind=kind,
            moves=[
                ledger.Move(
                    item=item,
                    quantity=Decimal(quantity),
                    source=_location(tenant, source),
                    destination=_location(tenant, destination),
                    lot=lot,
                    serial=serial,
                    source_status=status,
                    unit_cost=Decimal(unit_cost) if unit_cost is not None else None,
                )
            ],
            reference=reference,
            posted_at=at,
        )


def receive_at(tenant, item, bin, quantity, unit_cost, at, **kwargs):
    return post_move(
        tenant,
        item,
        LocationKind.SUPPLIER,
        bin,
        quantity,
        kind="receipt",
        unit_cost=unit_cost,
        at=at,
        **kwargs,
    )


def ship_at(tenant, item, bin, quantity, at, **kwargs):
    return post_move(
        tenant, item, bin, LocationKind.CUSTOMER, quantity, kind="shipment", at=at, **kwargs
    )


def rows(response) -> list:
    """The rows of the page of the table `response` rendered."""
    return list(response.context["table"].page.object_list)


def htmx_get(client, url, target, data=None):
    return client.get(url, data, headers={"HX-Request": "true", "HX-Target": target})
