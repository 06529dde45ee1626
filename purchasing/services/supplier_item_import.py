"""The supplier items CSV importer: what each supplier sells us (their SKU, pack, minimum,
price per base unit, lead time, preferred, inspection) with optional price breaks, every
line checked against the tenant's suppliers, items and supplier items, then all created with
their history in one go (erp.imports runs both in Celery).

An item has at most one preferred supplier (a database constraint): a line marking one is
refused when the item already has another, in the organisation or earlier in the file, so an
import never moves a preference silently. Changing it is done on the supplier page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from typing import Generic, TypeVar

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.imports import Column, Importer, PreviewColumn, cells
from erp.imports.reading import Line
from erp.models import ImportJob, Tenant
from erp.numbers import plain
from inventory.models import Item
from purchasing.models import PriceBreak, Supplier, SupplierItem
from purchasing.services.supplier_import import ROLES, history_reason

BATCH = 5000
QUANTITY = {"places": 4, "max_digits": 14}  # SupplierItem.pack_size, PriceBreak.min_quantity
PRICE = {"places": 6, "max_digits": 18}  # SupplierItem.price, PriceBreak.price

T = TypeVar("T")


class _ByCode(Generic[T]):
    """Rows by code: the exact code, else the only code equal to it ignoring case."""

    def __init__(self, pairs: Iterator[tuple[str, T]]):
        self.exact: dict[str, T] = {}
        self.folded: dict[str, list[str]] = defaultdict(list)
        for code, value in pairs:
            self.exact[code] = value
            self.folded[code.lower()].append(code)

    def find(self, code: str, column: str, what: str, problems: list[str]) -> T | None:
        if code == "":
            problems.append(f"{column} is empty")
            return None
        if code in self.exact:
            return self.exact[code]
        matches = self.folded.get(code.lower(), [])
        if len(matches) == 1:
            return self.exact[matches[0]]
        if matches:
            problems.append(
                f"{column} '{code}' matches {what}s {', '.join(sorted(matches))}; write it exactly"
            )
        else:
            problems.append(f"unknown {what} '{code}'")
        return None


def parse_price_breaks(value: str, problems: list[str]) -> list[tuple[Decimal, Decimal]]:
    """ "100:1.90;500:1.75" as [(100, 1.90), (500, 1.75)]: min quantity in base units above
    0, price per base unit not negative, quantities going up. Empty means no breaks."""
    breaks: list[tuple[Decimal, Decimal]] = []
    bad = False
    for part in (p.strip() for p in value.split(";")):
        if part == "":
            continue  # a trailing ";" is harmless
        quantity_text, colon, price_text = (t.strip() for t in part.partition(":"))
        if not colon or not quantity_text or not price_text:
            problems.append(f"price_breaks '{part}' is not min_quantity:price (e.g. 100:1.90)")
            bad = True
            continue
        quantity = cells.decimal(
            quantity_text, "price_breaks quantity", problems, positive=True, **QUANTITY
        )
        price = cells.decimal(price_text, "price_breaks price", problems, **PRICE)
        if quantity is None or price is None:
            bad = True
        else:
            breaks.append((quantity, price))
    for before, after in pairwise(q for q, _price in breaks):
        if after == before:
            problems.append(f"price_breaks has quantity {plain(after)} twice")
            bad = True
        elif after < before:
            problems.append(
                f"price_breaks quantities must go up: {plain(after)} comes after {plain(before)}"
            )
            bad = True
    return [] if bad else breaks


class _Preferred:
    """Which supplier each item prefers: the organisation's, and this file's with lines."""

    def __init__(self, tenant: Tenant):
        self.existing = dict(
            SupplierItem.objects.filter(tenant=tenant, preferred=True).values_list(
                "item_id", "supplier__code"
            )
        )
        self.seen: dict[int, tuple[int, str]] = {}

    def check(self, item: Item, supplier: Supplier, line: int, problems: list[str]) -> None:
        if item.pk in self.existing:
            problems.append(
                f"preferred: {item.sku} already has a preferred supplier, "
                f"{self.existing[item.pk]} (change it on the supplier page)"
            )
        elif item.pk in self.seen:
            other_line, other = self.seen[item.pk]
            problems.append(
                f"preferred: {item.sku} is already preferred from {other} on line {other_line} "
                "(one preferred supplier per item)"
            )
        else:
            self.seen[item.pk] = (line, supplier.code)


def check(*, tenant: Tenant, lines: Iterator[Line]) -> tuple[list[dict], list[dict]]:
    """Each line's problems, and the supplier items the good lines describe (no writes)."""
    suppliers = _ByCode((s.code, s) for s in Supplier.objects.filter(tenant=tenant).only("code"))
    items = _ByCode((i.sku, i) for i in Item.objects.filter(tenant=tenant).only("sku", "is_active"))
    existing = set(SupplierItem.objects.filter(tenant=tenant).values_list("supplier_id", "item_id"))
    preferred = _Preferred(tenant)
    seen: dict[tuple[int, int], int] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    for line in lines:
        c = line.cells
        p: list[str] = []
        supplier = suppliers.find(c.get("supplier", ""), "supplier", "supplier", p)
        item = items.find(c.get("sku", ""), "sku", "SKU", p)
        if item is not None and not item.is_active:
            p.append(f"SKU {item.sku} is inactive")
        supplier_sku = cells.text(c.get("supplier_sku", ""), "supplier_sku", p, max_length=60)
        pack = cells.decimal(c.get("pack_size", ""), "pack_size", p, positive=True, **QUANTITY)
        minimum = cells.decimal(
            c.get("minimum_order_quantity", ""), "minimum_order_quantity", p, **QUANTITY
        )
        price_text = c.get("price", "")
        price = cells.decimal(price_text, "price", p, **PRICE)
        if price_text == "":
            p.append("price is empty")
        lead_time = cells.integer(c.get("lead_time_days", ""), "lead_time_days", p)
        is_preferred = cells.boolean(c.get("preferred", ""), "preferred", p, default=False)
        inspection = cells.boolean(
            c.get("inspection_required", ""), "inspection_required", p, default=False
        )
        breaks = parse_price_breaks(c.get("price_breaks", ""), p)
        if supplier is not None and item is not None:
            claimed = cells.claim(
                (supplier.pk, item.pk),
                line.number,
                existing=existing,
                seen=seen,
                problems=p,
                exists=(
                    f"supplier {supplier.code} already sells {item.sku} "
                    "(change it on the supplier page)"
                ),
                duplicate=f"duplicate supplier {supplier.code} with SKU {item.sku}",
            )
            if claimed and is_preferred:
                preferred.check(item, supplier, line.number, p)
        if p:
            errors.append({"line": line.number, "message": "; ".join(p)})
            continue
        rows.append(
            {
                "supplier": supplier, "item": item,
                "fields": {
                    "supplier_sku": supplier_sku, "pack_size": pack or Decimal(1),
                    "minimum_order_quantity": minimum or Decimal(0), "price": price,
                    "lead_time_days": lead_time, "preferred": is_preferred,
                    "inspection_required": inspection,
                },
                "breaks": breaks,
            }
        )  # fmt: skip
    return rows, errors


def write(*, tenant: Tenant, job: ImportJob, rows: list[dict], progress) -> int:
    """Create the checked supplier items and their price breaks with history rows, in
    batches, inside the caller's transaction."""
    history = {
        "default_user": job.created_by,
        "default_date": timezone.now(),
        "default_change_reason": history_reason(job),
    }
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = rows[start : start + BATCH]
        created = bulk_create_with_history(
            [
                SupplierItem(
                    tenant=tenant, supplier_id=row["supplier"].pk, item_id=row["item"].pk,
                    **row["fields"],
                )
                for row in batch
            ],
            SupplierItem,
            batch_size=BATCH,
            **history,
        )  # fmt: skip
        breaks = [
            PriceBreak(tenant=tenant, supplier_item=supplier_item, min_quantity=q, price=price)
            for supplier_item, row in zip(created, batch, strict=True)
            for q, price in row["breaks"]
        ]
        bulk_create_with_history(breaks, PriceBreak, batch_size=BATCH, **history)
        progress(min(start + BATCH, total))
    return total


def _breaks_text(row: dict) -> str:
    return "; ".join(f"≥{plain(q)}: {plain(price)}" for q, price in row["breaks"])


IMPORTER = Importer(
    kind="purchasing.supplier_items",
    label="Supplier items",
    noun="supplier item",
    noun_plural="supplier items",
    columns=(
        Column("supplier", "code of an existing supplier.", required=True),
        Column("sku", "SKU of an existing, active item.", required=True),
        Column("supplier_sku", "the supplier's own code for the item, up to 60 characters."),
        Column(
            "pack_size",
            "base units in one order pack, above 0 (up to 4 places); empty means 1.",
        ),
        Column(
            "minimum_order_quantity",
            "in base units, not negative (up to 4 places); empty means 0.",
        ),
        Column("price", "per base unit, not negative (up to 6 places).", required=True),
        Column("lead_time_days", "whole number of days; empty means the supplier's default."),
        Column("preferred", "yes or no (empty means no); one preferred supplier per item."),
        Column("inspection_required", "yes to receive into QC hold; empty means no."),
        Column(
            "price_breaks",
            "min_quantity:price pairs separated by ';', quantities going up, "
            "e.g. 100:1.90;500:1.75.",
        ),
    ),
    check=check,
    write=write,
    roles=ROLES,
    url_name="purchasing:supplier_item_import",
    done_url_name="purchasing:supplier_list",
    preview=(
        PreviewColumn("Supplier", lambda r: r["supplier"].code),
        PreviewColumn("SKU", lambda r: r["item"].sku),
        PreviewColumn("Supplier SKU", lambda r: r["fields"]["supplier_sku"]),
        PreviewColumn("Pack", lambda r: plain(r["fields"]["pack_size"]), "num"),
        PreviewColumn("Minimum", lambda r: plain(r["fields"]["minimum_order_quantity"]), "num"),
        PreviewColumn("Price", lambda r: plain(r["fields"]["price"]), "num"),
        PreviewColumn("Lead time", lambda r: r["fields"]["lead_time_days"], "num"),
        PreviewColumn("Preferred", lambda r: "yes" if r["fields"]["preferred"] else "no"),
        PreviewColumn("Inspect", lambda r: "yes" if r["fields"]["inspection_required"] else "no"),
        PreviewColumn("Price breaks", _breaks_text),
    ),
    example=(
        "supplier,sku,supplier_sku,pack_size,minimum_order_quantity,price,lead_time_days,"
        "preferred,inspection_required,price_breaks\n"
        "ACME,SKU-1001,AC-778,100,200,0.12,4,yes,no,1000:0.11;5000:0.10"
    ),
    notes=(
        "Suppliers and items must exist first: import suppliers, then what they sell.",
        "Quantities and prices are per base unit of the item; pack_size says how many base "
        "units one pack holds (orders are rounded up to whole packs).",
        "A price break gives its price to an order of at least its quantity (the lowest price "
        "reached wins).",
        "An item keeps at most one preferred supplier: a line marking another one, or a second "
        "one in the file, is refused.",
    ),
)
