"""The customers CSV importer: every line checked against the tenant's customers, then all
customers created with their default ship-to and history in one go (erp.imports runs both in
Celery, and imports every line or none).

One line is one new customer; the ship_to_* and address columns on the same line give its
default ship-to address (more addresses are added on the customer page).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.imports import Column, Importer, PreviewColumn, cells
from erp.imports.reading import Line
from erp.models import ImportJob, Tenant
from orders import permissions
from orders.models import Customer, PriorityTier, ShipTo

BATCH = 5000
# Column -> the longest text its field holds.
LENGTHS = {
    "code": 20,
    "name": 200,
    "carrier": 60,
    "route": 40,
    "email": 254,
    "phone": 40,
    "ship_to_name": 200,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}
ADDRESS = (
    "ship_to_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
)


def _text(c: dict, column: str, problems: list[str], *, required: bool = False) -> str:
    value = c.get(column, "")
    if required and not value:
        problems.append(f"{column} is empty")
    elif len(value) > LENGTHS[column]:
        problems.append(f"{column} '{value[:20]}…' is longer than {LENGTHS[column]} characters")
    return value


def _priority(value: str, problems: list[str]) -> int | None:
    if value == "":
        return PriorityTier.STANDARD
    if value not in ("1", "2", "3"):
        problems.append(f"priority '{value}' is not 1 (key account), 2 (standard) or 3 (low)")
        return None
    return int(value)


def _email(value: str, problems: list[str]) -> str:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            problems.append(f"email '{value}' is not an e-mail address")
    return value


def _address(c: dict, name: str, problems: list[str]) -> dict | None:
    """The default ship-to the line describes; None when its address cells are all empty."""
    if not any(c.get(column, "") for column in ADDRESS):
        return None
    address = {
        "name": _text(c, "ship_to_name", problems) or name,
        "address_line1": _text(c, "address_line1", problems, required=True),
        "address_line2": _text(c, "address_line2", problems),
        "city": _text(c, "city", problems, required=True),
        "region": _text(c, "region", problems),
        "postal_code": _text(c, "postal_code", problems),
        "country": (c.get("country", "") or "US").upper(),
    }
    if len(address["country"]) != 2 or not address["country"].isalpha():
        problems.append(f"country '{c['country']}' is not a two-letter code such as US or DE")
    return address


def check(*, tenant: Tenant, lines: Iterator[Line]) -> tuple[list[dict], list[dict]]:
    """Each line's problems, and the customers the good lines describe (no writes)."""
    existing = set(Customer.objects.filter(tenant=tenant).values_list("code", flat=True))
    seen: dict[str, int] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    for line in lines:
        c = line.cells
        p: list[str] = []
        code = _text(c, "code", p, required=True)
        if any(ch.isspace() for ch in code):
            p.append(f"code '{code}' contains spaces")
        name = _text(c, "name", p, required=True)
        priority = _priority(c.get("priority", ""), p)
        shelf_life = cells.integer(c.get("min_shelf_life_days", ""), "min_shelf_life_days", p)
        carrier = _text(c, "carrier", p)
        route = _text(c, "route", p)
        credit_hold = cells.boolean(c.get("credit_hold", ""), "credit_hold", p, default=False)
        email = _email(_text(c, "email", p), p)
        phone = _text(c, "phone", p)
        active = cells.boolean(c.get("active", ""), "active", p, default=True)
        address = _address(c, name, p)
        if code:
            cells.claim(
                code,
                line.number,
                existing=existing,
                seen=seen,
                problems=p,
                exists=f"customer {code} already exists",
                duplicate=f"duplicate code {code}",
            )
        if p:
            errors.append({"line": line.number, "message": "; ".join(p)})
            continue
        rows.append(
            {
                "customer": {
                    "code": code, "name": name, "priority": priority,
                    "min_shelf_life_days": shelf_life or 0, "carrier": carrier, "route": route,
                    "credit_hold": credit_hold, "email": email, "phone": phone,
                    "is_active": active,
                },
                "ship_to": address,
            }
        )  # fmt: skip
    return rows, errors


def write(*, tenant: Tenant, job: ImportJob, rows: list[dict], progress) -> int:
    """Create the checked customers, their default ship-tos and their history rows, in
    batches, inside the caller's transaction."""
    history = {
        "default_user": job.created_by,
        "default_date": timezone.now(),
        "default_change_reason": f"import {job.filename}",
    }
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = rows[start : start + BATCH]
        created = bulk_create_with_history(
            [Customer(tenant=tenant, **row["customer"]) for row in batch],
            Customer,
            batch_size=BATCH,
            **history,
        )
        addresses = [
            ShipTo(tenant=tenant, customer=customer, is_default=True, **row["ship_to"])
            for customer, row in zip(created, batch, strict=True)
            if row["ship_to"] is not None
        ]
        bulk_create_with_history(addresses, ShipTo, batch_size=BATCH, **history)
        progress(min(start + BATCH, total))
    return total


COLUMNS = (
    Column("code", "up to 20 characters, no spaces; new to this organisation.", required=True),
    Column("name", "up to 200 characters.", required=True),
    Column("priority", "1 (key account), 2 (standard) or 3 (low); empty means 2."),
    Column(
        "min_shelf_life_days",
        "whole number of days a lot must still have left when shipped; empty means 0.",
    ),
    Column("carrier", "up to 60 characters; copied onto the customer's new orders."),
    Column("route", "up to 40 characters; copied onto the customer's new orders."),
    Column("credit_hold", "yes or no (empty means no); held customers' orders are not released."),
    Column("email", "an e-mail address, or empty."),
    Column("phone", "up to 40 characters."),
    Column("active", "yes or no (empty means yes)."),
    Column("ship_to_name", "name on the default ship-to address; empty means the customer name."),
    Column("address_line1", "street address; needed when any address column is filled."),
    Column("address_line2", "second address line."),
    Column("city", "needed when any address column is filled."),
    Column("region", "state or region."),
    Column("postal_code", "up to 20 characters."),
    Column("country", "two-letter ISO code (US, CA, DE …); empty means US."),
)

IMPORTER = Importer(
    kind="orders.customers",
    label="Customers",
    noun="customer",
    noun_plural="customers",
    columns=COLUMNS,
    check=check,
    write=write,
    roles=permissions.EDITORS,
    url_name="orders:customer_import",
    done_url_name="orders:customer_list",
    preview=(
        PreviewColumn("Code", lambda r: r["customer"]["code"]),
        PreviewColumn("Name", lambda r: r["customer"]["name"]),
        PreviewColumn("Priority", lambda r: r["customer"]["priority"], "num"),
        PreviewColumn("Carrier", lambda r: r["customer"]["carrier"]),
        PreviewColumn("Route", lambda r: r["customer"]["route"]),
        PreviewColumn("Credit hold", lambda r: "yes" if r["customer"]["credit_hold"] else ""),
        PreviewColumn(
            "Ship to",
            lambda r: (
                ", ".join(v for v in (r["ship_to"]["address_line1"], r["ship_to"]["city"]) if v)
                if r["ship_to"]
                else ""
            ),
        ),
    ),
    example=(
        "code,name,priority,min_shelf_life_days,carrier,route,credit_hold,email,"
        "address_line1,city,region,postal_code,country\n"
        "CAFE-01,Blue Door Café,1,30,UPS,CHI-N,no,orders@bluedoor.example,"
        "12 W Lake St,Chicago,IL,60601,US"
    ),
    notes=(
        "Each line creates one customer; the address columns on the same line become its "
        "default ship-to. Add more addresses on the customer page.",
        "Customer codes are unique in the organisation: a code that already exists is an "
        "error, not an update.",
    ),
)
