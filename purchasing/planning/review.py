"""The planner's decisions on suggestions: change the quantity, reject with a reason, accept.

Accepting turns purchases into draft purchase orders, one per supplier and site, through
purchasing's own order services, and transfers into draft transfers, one per pair of sites,
through the maker warehouse registers (`hooks`). Decided suggestions stay, with who decided,
when, why and what they became, for audit; every change is in their history.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import require_role
from inventory.services.segmentation import tenant_today
from purchasing.errors import InvalidSuggestion, SuggestionNotOpen
from purchasing.models import PurchaseOrder, ReorderSuggestion, SuggestionKind, SuggestionStatus
from purchasing.permissions import BUYERS
from purchasing.planning import hooks
from purchasing.services import orders

REASON_LENGTH = 200


def _lock(tenant: Tenant, ids: list[int]) -> list[ReorderSuggestion]:
    """The suggestions, locked in id order (so two planners never deadlock), each still open."""
    rows = list(
        ReorderSuggestion.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, pk__in=ids)
        .select_related("item", "site", "supplier", "from_site")
        .order_by("pk")
    )
    for row in rows:
        if row.status != SuggestionStatus.OPEN:
            raise SuggestionNotOpen(
                item=row.item.sku, site=row.site.code, status=row.get_status_display().lower()
            )
    return rows


def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidSuggestion(detail=f"{value!r} is not a quantity.") from exc
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidSuggestion(detail="Give a quantity above zero.")
    if quantity >= Decimal("1e13") or quantity != quantity.quantize(Decimal("0.0001")):
        raise InvalidSuggestion(detail=f"{plain(quantity)} is not a quantity this can hold.")
    return quantity


@transaction.atomic
def change_quantity(
    *, tenant: Tenant, user: User, suggestion: ReorderSuggestion, quantity
) -> ReorderSuggestion:
    """Set the quantity an open suggestion will order (base units, above zero)."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    quantity = _quantity(quantity)
    (row,) = _lock(tenant, [suggestion.pk])
    row.quantity = quantity
    row._history_user = user
    row._change_reason = f"quantity {plain(row.suggested_quantity)} -> {plain(quantity)}"
    row.save(update_fields=["quantity"])
    return row


@transaction.atomic
def reject(
    *, tenant: Tenant, user: User, suggestion: ReorderSuggestion, reason: str
) -> ReorderSuggestion:
    """Turn an open suggestion down, saying why (kept for audit)."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidSuggestion(detail="Say why the suggestion is rejected.")
    (row,) = _lock(tenant, [suggestion.pk])
    row.status = SuggestionStatus.REJECTED
    row.reason = reason[:REASON_LENGTH]
    row.decided_by, row.decided_at = user, timezone.now()
    row._history_user = user
    row._change_reason = f"rejected: {row.reason}"[:100]
    row.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return row


@transaction.atomic
def accept(
    *, tenant: Tenant, user: User, suggestions: list[ReorderSuggestion], reason: str = ""
) -> tuple[list[PurchaseOrder], list[str]]:
    """Accept open suggestions: purchases become draft orders, one per supplier and site,
    expected after the longest lead time among their lines; transfers become draft transfers,
    one per pair of sites. Returns the orders and the transfer numbers made. All or nothing:
    one suggestion decided meanwhile (`SuggestionNotOpen`) or refused by the order or transfer
    services leaves every one open. Lock order: the suggestions by id, then each new document."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    if not suggestions:
        raise InvalidSuggestion(detail="Choose the suggestions to accept.")
    rows = _lock(tenant, sorted({s.pk for s in suggestions}))
    today, now = tenant_today(tenant), timezone.now()
    purchases, transfers = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.kind == SuggestionKind.PURCHASE:
            purchases[(row.supplier.code, row.site.code)].append(row)
        else:
            transfers[(row.from_site.code, row.site.code)].append(row)
    made_orders, made_transfers = [], []
    for group in (purchases[key] for key in sorted(purchases)):
        days = max(r.lead_time_days for r in group).to_integral_value(ROUND_CEILING)
        first = group[0]
        order = orders.create_order(
            tenant=tenant, user=user, supplier=first.supplier, site=first.site,
            expected_date=today + datetime.timedelta(days=int(days)),
            notes="From reorder suggestions.",
        )  # fmt: skip
        for row in group:
            cost = row.unit_cost or orders.default_unit_cost(
                tenant=tenant, order=order, item=row.item, unit=row.item.base_unit,
                quantity=row.quantity,
            )  # fmt: skip
            orders.add_line(
                tenant=tenant, user=user, order=order, item=row.item, quantity=row.quantity,
                unit_cost=cost,
            )  # fmt: skip
            row.purchase_order = order
        made_orders.append(order)
    for group in (transfers[key] for key in sorted(transfers)):
        first = group[0]
        number = hooks.make_transfer(
            tenant=tenant, user=user, from_site=first.from_site, to_site=first.site,
            expected_date=today + datetime.timedelta(days=1),
            lines=[hooks.TransferLine(row.item_id, row.quantity) for row in group],
            note="From reorder suggestions.",
        )  # fmt: skip
        for row in group:
            row.transfer_number = number
        made_transfers.append(number)
    for row in rows:
        row.status = SuggestionStatus.ACCEPTED
        row.decided_by, row.decided_at = user, now
        row.reason = (reason or "").strip()[:REASON_LENGTH]
        row._history_user = user
        row._change_reason = "accepted"
        row.save(
            update_fields=[
                "status", "decided_by", "decided_at", "reason", "purchase_order",
                "transfer_number",
            ]
        )  # fmt: skip
    return made_orders, made_transfers
