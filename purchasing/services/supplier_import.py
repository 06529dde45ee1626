"""The suppliers CSV importer: every line checked against the tenant's suppliers, then all
suppliers created with their history in one go (erp.imports runs both in Celery).

Codes are compared ignoring case: ACME and acme in one organisation would make every later
lookup by code (the supplier items file, searches) ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.imports import Column, Importer, PreviewColumn, cells
from erp.imports.reading import Line
from erp.models import ImportJob, Tenant
from purchasing import permissions
from purchasing.models import Supplier

BATCH = 5000
ROLES = permissions.BUYERS
CURRENCY = re.compile(r"^[A-Z]{3}$")
DEFAULT_LEAD_TIME_DAYS = 7
DEFAULT_CURRENCY = "USD"
HISTORY_REASON_LENGTH = 100  # simple_history's history_change_reason


def history_reason(job: ImportJob) -> str:
    """The change reason on every history row an import writes (cut to fit its column)."""
    return f"import {job.filename}"[:HISTORY_REASON_LENGTH]


def _email(value: str, problems: list[str]) -> str:
    if value == "":
        return ""
    if len(value) > 254:
        problems.append(f"email '{value[:20]}…' is longer than 254 characters")
        return ""
    try:
        validate_email(value)
    except ValidationError:
        problems.append(f"email '{value}' is not an e-mail address")
    return value


def _currency(value: str, problems: list[str]) -> str:
    currency = value.upper() or DEFAULT_CURRENCY
    if not CURRENCY.match(currency):
        problems.append(f"currency '{value}' is not a three-letter ISO 4217 code such as USD")
    return currency


def _tolerance(value: str, problems: list[str]) -> Decimal | None:
    pct = cells.decimal(
        value, "over_receipt_tolerance_pct", problems, places=2, max_digits=5
    )  # a percentage: 3 digits before the point and 2 after
    if pct is not None and pct > 100:
        problems.append(f"over_receipt_tolerance_pct {value} must be between 0 and 100")
        return None
    return pct


def check(*, tenant: Tenant, lines: Iterator[Line]) -> tuple[list[dict], list[dict]]:
    """Each line's problems, and the suppliers the good lines describe (no writes)."""
    existing = {
        code.lower(): code
        for code in Supplier.objects.filter(tenant=tenant).values_list("code", flat=True)
    }
    seen: dict[str, tuple[int, str]] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    for line in lines:
        c = line.cells
        p: list[str] = []
        code = cells.code(c.get("code", ""), "code", p, max_length=20)
        name = cells.text(c.get("name", ""), "name", p, max_length=200, required=True)
        contact = cells.text(c.get("contact_name", ""), "contact_name", p, max_length=120)
        email = _email(c.get("email", ""), p)
        phone = cells.text(c.get("phone", ""), "phone", p, max_length=40)
        address = c.get("address", "")
        lead_time = cells.integer(c.get("default_lead_time_days", ""), "default_lead_time_days", p)
        tolerance = _tolerance(c.get("over_receipt_tolerance_pct", ""), p)
        currency = _currency(c.get("currency", ""), p)
        active = cells.boolean(c.get("active", ""), "active", p, default=True)
        key = code.lower()
        if code:
            if key in existing:
                same = "" if existing[key] == code else f" (as {existing[key]})"
                p.append(f"supplier {code} already exists{same}")
            elif key in seen:
                first_line, first_code = seen[key]
                same = "" if first_code == code else f" (as {first_code})"
                p.append(f"duplicate code {code} (also on line {first_line}{same})")
            else:
                seen[key] = (line.number, code)
        if p:
            errors.append({"line": line.number, "message": "; ".join(p)})
            continue
        rows.append(
            {
                "code": code, "name": name, "contact_name": contact, "email": email,
                "phone": phone, "address": address,
                "default_lead_time_days": (
                    DEFAULT_LEAD_TIME_DAYS if lead_time is None else lead_time
                ),
                "over_receipt_tolerance_pct": tolerance or Decimal(0),
                "currency": currency, "is_active": active,
            }
        )  # fmt: skip
    return rows, errors


def write(*, tenant: Tenant, job: ImportJob, rows: list[dict], progress) -> int:
    """Create the checked suppliers with their history rows, in batches, inside the caller's
    transaction."""
    now = timezone.now()
    total = len(rows)
    for start in range(0, total, BATCH):
        bulk_create_with_history(
            [Supplier(tenant=tenant, **row) for row in rows[start : start + BATCH]],
            Supplier,
            batch_size=BATCH,
            default_user=job.created_by,
            default_date=now,
            default_change_reason=history_reason(job),
        )
        progress(min(start + BATCH, total))
    return total


IMPORTER = Importer(
    kind="purchasing.suppliers",
    label="Suppliers",
    noun="supplier",
    noun_plural="suppliers",
    columns=(
        Column(
            "code",
            "up to 20 characters, no spaces; new to this organisation (ignoring case).",
            required=True,
        ),
        Column("name", "up to 200 characters.", required=True),
        Column("contact_name", "up to 120 characters."),
        Column("email", "an e-mail address for orders."),
        Column("phone", "up to 40 characters."),
        Column("address", "free text; quote it to span lines."),
        Column("default_lead_time_days", "whole number of days; empty means 7."),
        Column(
            "over_receipt_tolerance_pct",
            "how much more than ordered may be received, 0 to 100 (up to 2 places); empty means 0.",
        ),
        Column("currency", "three-letter ISO 4217 code (USD, EUR …); empty means USD."),
        Column("active", "yes or no (empty means yes)."),
    ),
    check=check,
    write=write,
    roles=ROLES,
    url_name="purchasing:supplier_import",
    done_url_name="purchasing:supplier_list",
    preview=(
        PreviewColumn("Code", lambda r: r["code"]),
        PreviewColumn("Name", lambda r: r["name"]),
        PreviewColumn("Contact", lambda r: r["contact_name"]),
        PreviewColumn("E-mail", lambda r: r["email"]),
        PreviewColumn("Lead time (days)", lambda r: r["default_lead_time_days"], "num"),
        PreviewColumn("Over-receipt %", lambda r: r["over_receipt_tolerance_pct"], "num"),
        PreviewColumn("Currency", lambda r: r["currency"]),
        PreviewColumn("Active", lambda r: "yes" if r["is_active"] else "no"),
    ),
    example=(
        "code,name,contact_name,email,phone,default_lead_time_days,over_receipt_tolerance_pct,"
        "currency\n"
        "ACME,Acme Foods,Jo Smith,orders@acme.example,+1 555 0100,5,2.5,USD"
    ),
    notes=("Import suppliers before the items they sell (the supplier items import).",),
)
