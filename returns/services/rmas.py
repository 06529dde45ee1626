"""RMAs at the desk: raised against a shipped order, lines checked against what was shipped
to that customer, authorised within policy (or by a supervisor outside it), rejected, closed.

A line's lot or serial must be one that left on that order line, and its quantity no more
than shipped less what other live RMAs already take back; a serial never shipped to the
customer is refused by name. Money is fixed on the line when it is added: the price paid per
base unit and the cost per base unit the goods left with (their shipments' ledger entries).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.numbers import plain
from inventory.errors import InvalidPosting
from inventory.models import Item
from inventory.services import lots
from orders.models import SalesOrder, SalesOrderLine
from returns import policy, selectors
from returns.errors import NotShipped, ReturnsError
from returns.models import ReturnAuthorisation, RmaLine, RmaStatus
from returns.states import rma_machine

R = RmaStatus


def _lock(tenant: Tenant, rma: ReturnAuthorisation) -> ReturnAuthorisation:
    return (
        ReturnAuthorisation.objects.select_for_update(of=("self",))
        .select_related("customer", "order", "site")
        .get(tenant=tenant, pk=rma.pk)
    )


def _draft(rma: ReturnAuthorisation) -> None:
    if rma.status != R.DRAFT:
        raise ReturnsError(
            f"{rma.number} is {rma_machine.display(rma.status)}: only a draft can be changed."
        )


@transaction.atomic
def create(
    *, tenant: Tenant, user: User, order: SalesOrder, reason: str, note: str = ""
) -> ReturnAuthorisation:
    """A draft RMA for the customer of `order`, which must have shipped something."""
    rma_machine.authorize(tenant=tenant, user=user, action="authorise")
    if not selectors.shipped_orders(tenant=tenant).filter(pk=order.pk).exists():
        raise ReturnsError(f"{order.number} has shipped nothing: there is nothing to return.")
    try:
        with transaction.atomic():
            rma = ReturnAuthorisation(
                tenant=tenant, customer=order.customer, order=order, site=order.site,
                reason=reason, note=note[:200], created_by=user,
                number=numbering.next_number(
                    ReturnAuthorisation, tenant=tenant, prefix="RMA-", width=5
                ),
            )  # fmt: skip
            rma._history_user = user
            rma.save()
            return rma
    except IntegrityError as exc:
        raise ReturnsError("Another RMA took that number at the same moment; try again.") from exc


def _tracking(tenant: Tenant, item: Item, lot_code: str, serial_code: str):
    lot = serial = None
    lot_code, serial_code = (lot_code or "").strip(), (serial_code or "").strip()
    try:
        if item.is_lot_tracked:
            if not lot_code:
                raise ReturnsError(f"{item.sku} is lot-tracked: give the lot returned.")
            lot = lots.existing_lot(tenant=tenant, item=item, code=lot_code)
        if item.is_serial_tracked:
            if not serial_code:
                raise ReturnsError(f"{item.sku} is serial-tracked: give the serial returned.")
            serial = lots.existing_serial(tenant=tenant, item=item, serial=serial_code)
    except InvalidPosting as exc:
        raise NotShipped(str(exc)) from exc
    return lot, serial


@transaction.atomic
def add_line(
    *, tenant: Tenant, user: User, rma: ReturnAuthorisation, order_line: SalesOrderLine,
    quantity: Decimal, lot_code: str = "", serial_code: str = "",
) -> RmaLine:  # fmt: skip
    """Add what the customer sends back of `order_line` (base units). Raises `NotShipped`
    for a lot or serial that did not leave on that line (or never went to the customer), or
    more than was shipped and not yet authorised for return."""
    rma_machine.authorize(tenant=tenant, user=user, action="authorise")
    rma = _lock(tenant, rma)
    _draft(rma)
    if order_line.order_id != rma.order_id:
        raise ReturnsError(f"That line is not on {rma.order.number}.")
    item = order_line.item
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ReturnsError("Return a quantity above zero.")
    lot, serial = _tracking(tenant, item, lot_code, serial_code)
    if serial is not None:
        if quantity != 1:
            raise ReturnsError(f"A serial number is one unit; {plain(quantity)} were asked.")
        if not selectors.serial_shipped_to(tenant=tenant, customer=rma.customer, serial=serial):
            raise NotShipped(
                f"Serial {serial.serial} of {item.sku} was never shipped to {rma.customer.name}."
            )
    sent = selectors.shipped(tenant=tenant, order_line=order_line, lot=lot, serial=serial)
    if sent <= 0:
        what = f"lot {lot.code}" if lot else f"serial {serial.serial}" if serial else item.sku
        raise NotShipped(f"{what} did not leave on {rma.order.number} line {order_line.line_no}.")
    taken = selectors.authorised(tenant=tenant, order_line=order_line, lot=lot, serial=serial)
    if quantity > sent - taken:
        raise NotShipped(
            f"Only {plain(max(sent - taken, Decimal(0)))} {item.base_unit} of {item.sku}"
            + (f" lot {lot.code}" if lot else "")
            + f" can come back on {rma.order.number} line {order_line.line_no}: "
            f"{plain(sent)} shipped, {plain(taken)} already on RMAs."
        )
    price = (order_line.price * order_line.quantity / order_line.quantity_base).quantize(
        Decimal("0.000001")
    )
    cost = selectors.shipped_unit_cost(tenant=tenant, order_line=order_line, lot=lot, serial=serial)
    return RmaLine.objects.create(
        tenant=tenant, rma=rma, order_line=order_line, item=item, lot=lot, serial=serial,
        quantity=quantity, unit_price=price, unit_cost=cost,
    )  # fmt: skip


@transaction.atomic
def remove_line(*, tenant: Tenant, user: User, line: RmaLine) -> None:
    rma_machine.authorize(tenant=tenant, user=user, action="authorise")
    _draft(_lock(tenant, line.rma))
    line.delete()


def policy_facts(*, tenant: Tenant, rma: ReturnAuthorisation) -> dict:
    """Whether the RMA is within its customer's terms now, why not, and whether anything
    has arrived (the guards of the RMA's actions)."""
    terms = policy.terms_for(tenant=tenant, customer=rma.customer)
    problems = []
    today = timezone.localdate()
    for line in rma.lines.select_related("order_line"):
        at = selectors.shipped_on(tenant=tenant, order_line=line.order_line)
        if at is not None:
            days = (today - timezone.localtime(at).date()).days
            if days > terms.window_days:
                problems.append(
                    f"line {line.order_line.line_no} shipped {days} days ago; the window is "
                    f"{terms.window_days} days"
                )
    return {
        "terms": terms,
        "within_policy": not problems,
        "exception": "; ".join(problems),
        "received": rma.lines.filter(received__gt=0).exists(),
    }


@transaction.atomic
def authorise(*, tenant: Tenant, user: User, rma: ReturnAuthorisation) -> ReturnAuthorisation:
    """Authorise a draft with lines: within its customer's return window by the desk, outside
    it only by a supervisor (the reason is kept on the RMA). The terms in force are copied."""
    rma = _lock(tenant, rma)
    if rma.status == R.DRAFT and not rma.lines.exists():
        raise ReturnsError(f"{rma.number} has no lines: add what comes back first.")
    facts = policy_facts(tenant=tenant, rma=rma)
    action = "authorise" if facts["within_policy"] else "authorise_exception"
    if not facts["within_policy"]:
        from erp.errors import RoleRequired

        try:
            rma_machine.authorize(tenant=tenant, user=user, action=action)
        except RoleRequired as exc:
            raise ReturnsError(
                f"{rma.number} is outside policy ({facts['exception']}): a supervisor "
                "authorises it."
            ) from exc
    rma_machine.move(rma, action, tenant=tenant, user=user, facts=facts, reason=facts["exception"])
    terms = facts["terms"]
    rma.window_days, rma.restocking_fee_pct = terms.window_days, terms.restocking_fee_pct
    rma.opened_accepted, rma.exception = terms.opened_accepted, facts["exception"][:200]
    rma.authorised_by, rma.authorised_at = user, timezone.now()
    rma.save()
    return rma


@transaction.atomic
def reject(
    *, tenant: Tenant, user: User, rma: ReturnAuthorisation, reason: str = ""
) -> ReturnAuthorisation:
    """Refuse an RMA nothing has arrived for; its quantities may be raised again."""
    rma = _lock(tenant, rma)
    facts = {"received": rma.lines.filter(received__gt=0).exists()}
    rma_machine.move(rma, "reject", tenant=tenant, user=user, facts=facts, reason=reason)
    rma.save()
    return rma


@transaction.atomic
def stop_receiving(
    *, tenant: Tenant, user: User, rma: ReturnAuthorisation, reason: str = ""
) -> ReturnAuthorisation:
    """The rest of a partially received RMA is not coming: inspection may finish it. What
    has arrived may already be graded (and decided): the RMA then moves on as far as that
    takes it, as the last grading or disposition would have moved it."""
    from django.db.models import Sum

    from returns.models import Inspection

    rma = _lock(tenant, rma)
    rma_machine.move(rma, "stop_receiving", tenant=tenant, user=user, reason=reason)
    graded = dict(
        Inspection.objects.filter(tenant=tenant, line__rma=rma)
        .values_list("line_id")
        .annotate(q=Sum("quantity"))
    )
    if all(graded.get(line.pk, 0) >= line.received for line in rma.lines.all()):
        rma_machine.move(rma, "inspect", tenant=tenant, user=user, target=R.INSPECTED)
        undecided = Inspection.objects.filter(tenant=tenant, line__rma=rma, disposition="")
        if graded and not undecided.exists():
            rma_machine.move(rma, "disposition", tenant=tenant, user=user, target=R.DISPOSITIONED)
    rma.save()
    return rma


@transaction.atomic
def close(*, tenant: Tenant, user: User, rma: ReturnAuthorisation) -> ReturnAuthorisation:
    rma = _lock(tenant, rma)
    rma_machine.move(rma, "close", tenant=tenant, user=user)
    rma.save()
    return rma
