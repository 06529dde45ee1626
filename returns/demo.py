"""Demo returns: RMAs in each status against the tenant's shipped order (the outbound demo
ships one), each taking back one unit of whatever is still returnable, all through the
services, so every returns page has something to show: a draft, an authorised RMA, one
partly received (two units, one in), one received, one inspected, one dispositioned with its
credit awaiting finance, one credited, one closed and one rejected. Idempotent: a tenant that
has an RMA gets no other; a tenant without a shipped order, a returns area or the roles gets
none."""

from __future__ import annotations

from decimal import Decimal

from erp.errors import DomainError
from erp.models import Membership, Tenant
from erp.roles import Role
from returns import selectors
from returns.models import ReturnAuthorisation, ReturnSettings
from returns.services import credits, inspection, receipt, rmas
from returns.services import settings as returns_settings
from warehouse.shipping import selectors as shipping

# (status wanted, units, reason)
PLAN = [
    ("closed", 1, "not_needed"),
    ("credited", 1, "ordered_in_error"),
    ("dispositioned", 1, "damaged_in_transit"),
    ("inspected", 1, "defective"),
    ("received", 1, "wrong_item"),
    ("partially_received", 2, "not_needed"),
    ("authorised", 1, "expired"),
    ("draft", 1, "not_needed"),
    ("rejected", 1, "ordered_in_error"),
]
GRADES = {"damaged_in_transit": "damaged", "defective": "defective"}


def _user(tenant: Tenant, role: Role):
    membership = Membership.objects.filter(tenant=tenant, role=role).select_related("user").first()
    return membership.user if membership else None


def _returnable(tenant: Tenant, units: int):
    """A shipped carton line with `units` still returnable (no RMA taking them yet)."""
    for content in shipping.shipped_contents(tenant=tenant).order_by("pk"):
        sent = selectors.shipped(
            tenant=tenant, order_line=content.order_line, lot=content.lot, serial=content.serial
        )
        taken = selectors.authorised(
            tenant=tenant, order_line=content.order_line, lot=content.lot, serial=content.serial
        )
        if sent - taken >= units and (content.serial_id is None or units == 1):
            return content
    return None


def load(tenant: Tenant) -> list[ReturnAuthorisation]:
    if ReturnAuthorisation.objects.filter(tenant=tenant).exists():
        return []
    admin, supervisor = _user(tenant, Role.ADMIN), _user(tenant, Role.SUPERVISOR)
    operator, finance = _user(tenant, Role.OPERATOR), _user(tenant, Role.FINANCE)
    if None in (admin, supervisor, operator, finance):
        return []
    if not ReturnSettings.objects.filter(tenant=tenant).exists():
        returns_settings.save_settings(
            tenant=tenant, user=admin,
            settings=ReturnSettings(window_days=30, restocking_fee_pct=Decimal(10)),
        )  # fmt: skip
    made = []
    for status, units, reason in PLAN:
        content = _returnable(tenant, units)
        if content is None:
            break
        order = content.order_line.order
        if selectors.returns_bin(tenant=tenant, site=order.site) is None:
            break
        try:
            made.append(_rma(tenant, status, units, reason, content, supervisor, operator, finance))
        except DomainError:
            break
    return made


def _rma(tenant, status, units, reason, content, supervisor, operator, finance):
    order = content.order_line.order
    rma = rmas.create(
        tenant=tenant, user=supervisor, order=order, reason=reason,
        note=f"DEMO: {status.replace('_', ' ')}",
    )  # fmt: skip
    line = rmas.add_line(
        tenant=tenant, user=supervisor, rma=rma, order_line=content.order_line,
        quantity=Decimal(units), lot_code=content.lot.code if content.lot else "",
        serial_code=content.serial.serial if content.serial else "",
    )  # fmt: skip
    if status == "draft":
        return rma
    if status == "rejected":
        return rmas.reject(tenant=tenant, user=supervisor, rma=rma, reason="Outside warranty")
    rma = rmas.authorise(tenant=tenant, user=supervisor, rma=rma)
    if status == "authorised":
        return rma
    received = 1 if status == "partially_received" else units
    receipt.receive(
        tenant=tenant, user=operator, rma=rma, item=line.item, lot=line.lot, serial=line.serial,
        quantity=Decimal(received), scan_key=f"demo-{rma.pk}",
    )  # fmt: skip
    if status in ("partially_received", "received"):
        return rma
    graded = inspection.inspect(
        tenant=tenant, user=operator, line=line, grade=GRADES.get(reason, "new"),
        quantity=Decimal(units), notes="DEMO",
    )  # fmt: skip
    if status == "inspected":
        return rma
    inspection.dispose(tenant=tenant, user=operator, inspection=graded, disposition=graded.proposed)
    credit = credits.propose(tenant=tenant, user=supervisor, rma=rma)
    if status == "dispositioned":
        return rma
    credits.approve(tenant=tenant, user=finance, credit=credit, note="DEMO")
    if status == "closed":
        rmas.close(tenant=tenant, user=supervisor, rma=rma)
    return rma
