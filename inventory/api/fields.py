"""Filter and body value types shared by inventory's endpoints, and lookups by code.

Codes and SKUs are checked by the schema (no blanks, no control characters, the column's
length), so junk is a 422 from the schema rather than a database error: PostgreSQL refuses
NUL in a string, which would fail the request's transaction.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from erp.api.errors import ApiError
from erp.api.fields import code
from inventory.models import Item, Site

Sku = code(40)
SiteCode = code(20)
ZoneCode = code(20)
BinCode = code(40)
LotCode = code(20)
Category = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")]
# What a barcode carries: 8, 12, 13 or 14 digits; the check digit is checked by the lookup.
Gtin = Annotated[str, Field(pattern=r"^([0-9]{8}|[0-9]{12,14})$")]


def site_by_code(request, code: str) -> Site:
    site = Site.objects.filter(tenant=request.tenant, code=code).first()
    if site is None:
        raise ApiError(400, "unknown_site", f"No site {code} in this organisation.", site=code)
    return site


def item_by_sku(request, sku: str) -> Item:
    item = Item.objects.filter(tenant=request.tenant, sku=sku).first()
    if item is None:
        raise ApiError(400, "unknown_sku", f"No item with SKU {sku}.", sku=sku)
    return item
