"""inventory's alert rules (registered from `ready()`): lots in stock expiring within the
tenant's window (Settings > Alerts), and a ledger whose latest check found differences."""

from __future__ import annotations

import datetime

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp import formats
from erp.alerts.models import AlertSettings
from erp.alerts.registry import Finding, Rule, local_today, register
from erp.numbers import quantity
from inventory.models import Item, LedgerCheck, Lot, StockBalance
from inventory.permissions import ALERTED, LEDGER_ALERTED

LOT_EXPIRING = "inventory.lot_expiring"
LEDGER_DIFFERENCES = "inventory.ledger_differences"
DEFAULT_WINDOW = AlertSettings._meta.get_field("lot_expiry_days").default


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def expiring_lots(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Lots with stock in real bins whose expiry date is within the tenant's window (or past),
    the window read in the same query."""
    today = local_today(tenant, now)
    sql = f"""
        SELECT lot.id, lot.code, lot.expiry_date, item.id, item.sku, SUM(b.on_hand)
        FROM {_table(StockBalance)} b
        JOIN {_table(Lot)} lot ON lot.tenant_id = b.tenant_id AND lot.id = b.lot_id
        JOIN {_table(Item)} item ON item.tenant_id = b.tenant_id AND item.id = b.item_id
        WHERE b.tenant_id = %(tenant)s AND b.is_real AND b.on_hand > 0
          AND lot.expiry_date <= %(today)s + COALESCE(
              (SELECT lot_expiry_days FROM {_table(AlertSettings)} WHERE tenant_id = %(tenant)s),
              %(default)s)
        GROUP BY lot.id, lot.code, lot.expiry_date, item.id, item.sku
        ORDER BY lot.expiry_date, lot.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tenant": tenant.pk, "today": today, "default": DEFAULT_WINDOW})
        rows = cursor.fetchall()
    findings = []
    for lot_id, code, expiry, item_id, sku, on_hand in rows:
        days = (expiry - today).days
        when = (
            f"expired {-days} day{'s' if days != -1 else ''} ago" if days < 0
            else "expires today" if days == 0
            else f"expires in {days} day{'s' if days != 1 else ''}"
        )  # fmt: skip
        findings.append(
            Finding(
                subject=f"lot:{lot_id}",
                message=f"Lot {code} of {sku} {when} ({formats.day(expiry)}): {quantity(on_hand)} in stock",
                link=reverse("inventory:item_detail", args=[item_id]),
                roles=ALERTED,
            )
        )
    return findings


def ledger_finding(check: LedgerCheck) -> Finding:
    first = check.report.split("\n", 1)[0]
    return Finding(
        subject="ledger",
        message=(
            f"The ledger check of {formats.day(check.started_at)} found {check.differences} "
            f"difference(s) between the ledger and its balances or valuation: {first}"
        ),
        link=reverse("inventory:transaction_list"),
        roles=LEDGER_ALERTED,
    )


def ledger_differences(*, tenant, now: datetime.datetime) -> list[Finding]:
    """The latest ledger check, if it found differences: the alert lasts until a check (the
    nightly one or `manage.py verify_ledger`) comes out clean."""
    latest = LedgerCheck.objects.filter(tenant=tenant).order_by("-id").first()
    return [ledger_finding(latest)] if latest is not None and latest.differences else []


def register_all() -> None:
    register(
        Rule(LOT_EXPIRING, _("Lots expiring"), expiring_lots,
             _("A lot in stock expires within the window set in Settings > Alerts.")),
        Rule(LEDGER_DIFFERENCES, _("Ledger differences"), ledger_differences,
             _("The ledger check found balances or valuation that its entries do not add up to.")),
    )  # fmt: skip
