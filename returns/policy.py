"""The return policy that applies to a customer, and the disposition proposed for a grade.

A customer's own `ReturnPolicy` replaces the tenant's defaults (`ReturnSettings`). The
proposal for a graded quantity is the tenant's rule for that grade and the RMA's reason, else
its rule for the grade and any reason, else the built-in default below. Two policy facts then
bend it: opened goods a customer's terms do not take back are quarantined and not credited,
and goods for a supplier that takes no returns are scrapped instead of sent back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from erp.selectors import tenant_settings
from inventory.models import Item
from orders.models import Customer
from purchasing.models import Supplier, SupplierItem
from returns.models import (
    Disposition,
    DispositionRule,
    Grade,
    ReturningSupplier,
    ReturnPolicy,
    ReturnSettings,
)

# grade -> (disposition, creditable) when the tenant has no rule for it.
DEFAULTS = {
    Grade.NEW: (Disposition.RESTOCK, True),
    Grade.OPENED: (Disposition.RESTOCK, True),
    Grade.DAMAGED: (Disposition.SCRAP, False),
    Grade.DEFECTIVE: (Disposition.RETURN_TO_VENDOR, True),
    Grade.EXPIRED: (Disposition.SCRAP, False),
}


@dataclass(frozen=True)
class Terms:
    window_days: int
    restocking_fee_pct: Decimal
    opened_accepted: bool
    own: bool  # the customer's own policy, not the tenant's default


def settings_for(tenant) -> ReturnSettings:
    return tenant_settings(ReturnSettings, tenant=tenant)


def terms_for(*, tenant, customer: Customer) -> Terms:
    policy = ReturnPolicy.objects.filter(tenant=tenant, customer=customer).first()
    source = policy or settings_for(tenant)
    return Terms(
        source.window_days, source.restocking_fee_pct, source.opened_accepted, policy is not None
    )


def returning_supplier(*, tenant, item: Item) -> Supplier | None:
    """The supplier `item` goes back to: its preferred supplier first, among those that take
    returns."""
    taking = ReturningSupplier.objects.filter(tenant=tenant).values("supplier_id")
    row = (
        SupplierItem.objects.filter(tenant=tenant, item=item, supplier_id__in=taking)
        .select_related("supplier")
        .order_by("-preferred", "supplier__code")
        .first()
    )
    return row.supplier if row else None


@dataclass(frozen=True)
class Proposal:
    disposition: str
    creditable: bool
    why: str


def propose(*, tenant, item: Item, grade: str, reason: str, opened_accepted: bool) -> Proposal:
    rules = {
        rule.reason: rule for rule in DispositionRule.objects.filter(tenant=tenant, grade=grade)
    }
    rule = rules.get(reason) or rules.get("")
    if rule is not None:
        disposition, creditable, why = rule.disposition, rule.creditable, f"rule: {rule}"
    else:
        disposition, creditable = DEFAULTS[grade]
        why = "default for the grade"
    if grade == Grade.OPENED and not opened_accepted:
        disposition, creditable = Disposition.QUARANTINE, False
        why = "the customer's terms take no opened goods back"
    if disposition == Disposition.RETURN_TO_VENDOR and (
        returning_supplier(tenant=tenant, item=item) is None
    ):
        disposition = Disposition.SCRAP
        why = f"no supplier of {item.sku} takes returns"
    return Proposal(disposition, creditable, why)
