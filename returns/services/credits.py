"""Credits for returned goods: proposed per RMA once every unit is dispositioned, decided by
someone other than the requester; above the tenant's threshold only finance decides.

    returned value  = sum over graded quantities of quantity x price paid per base unit
    non-creditable  = the part of it graded into a non-creditable grade (routing rules)
    restocking fee  = (returned value - non-creditable) x the RMA's fee %, to the cent
    credit          = returned value - non-creditable - restocking fee
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import Role, membership_for, require_role
from returns import policy, webhooks
from returns.errors import ReturnsError, SegregationOfDuties
from returns.models import Credit, CreditStatus, Inspection, ReturnAuthorisation, RmaStatus
from returns.permissions import DESK
from returns.services.rmas import _lock
from returns.states import credit_machine, rma_machine

CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def figures(*, tenant: Tenant, rma: ReturnAuthorisation) -> dict[str, Decimal]:
    returned = non_creditable = Decimal(0)
    for inspection in Inspection.objects.filter(tenant=tenant, line__rma=rma).select_related(
        "line"
    ):
        value = inspection.quantity * inspection.line.unit_price
        returned += value
        if not inspection.creditable:
            non_creditable += value
    returned, non_creditable = _cents(returned), _cents(non_creditable)
    fee = _cents((returned - non_creditable) * rma.restocking_fee_pct / 100)
    return {
        "returned_value": returned,
        "non_creditable": non_creditable,
        "restocking_fee": fee,
        "amount": returned - non_creditable - fee,
    }


@transaction.atomic
def propose(*, tenant: Tenant, user: User, rma: ReturnAuthorisation) -> Credit:
    """The credit for a dispositioned RMA, pending approval. Raises `ReturnsError` while an
    earlier proposal is pending or approved, or before every unit is dispositioned."""
    require_role(tenant=tenant, user=user, roles=DESK)
    rma = _lock(tenant, rma)
    if rma.status != RmaStatus.DISPOSITIONED:
        raise ReturnsError(
            f"{rma.number} is {rma_machine.display(rma.status)}: a credit is proposed once "
            "every unit is dispositioned."
        )
    live = Credit.objects.filter(tenant=tenant, rma=rma).exclude(status=CreditStatus.REJECTED)
    if live.exists():
        raise ReturnsError(f"{rma.number} already has credit {live.first().number}.")
    amounts = figures(tenant=tenant, rma=rma)
    threshold = policy.settings_for(tenant).credit_approval_threshold
    try:
        with transaction.atomic():
            credit = Credit(
                tenant=tenant, rma=rma, requested_by=user,
                needs_finance=amounts["amount"] > threshold, **amounts,
                number=numbering.next_number(Credit, tenant=tenant, prefix="CR-", width=5),
            )  # fmt: skip
            credit._history_user = user
            credit.save()
            return credit
    except IntegrityError as exc:
        raise ReturnsError("Another credit was proposed at the same moment; try again.") from exc


def _lock_credit(tenant: Tenant, credit: Credit) -> Credit:
    return (
        Credit.objects.select_for_update(of=("self",))
        .select_related("rma", "requested_by")
        .get(tenant=tenant, pk=credit.pk)
    )


def _check_duties(tenant: Tenant, user: User, credit: Credit) -> None:
    if credit.requested_by_id == user.pk:
        raise SegregationOfDuties(
            f"You requested credit {credit.number}: someone else must decide it."
        )
    if credit.needs_finance:
        membership = membership_for(tenant=tenant, user=user)
        if membership is None or membership.role != Role.FINANCE:
            raise SegregationOfDuties(
                f"Credit {credit.number} of {plain(credit.amount)} is above the approval "
                "threshold: finance decides it."
            )


@transaction.atomic
def approve(*, tenant: Tenant, user: User, credit: Credit, note: str = "") -> Credit:
    """Approve a pending credit (see the module for who may); its RMA becomes credited. A
    repeat by the approver returns the approved credit."""
    credit_machine.authorize(tenant=tenant, user=user, action="approve")
    rma = _lock(tenant, credit.rma)
    credit = _lock_credit(tenant, credit)
    if credit.status == CreditStatus.APPROVED and credit.decided_by_id == user.pk:
        return credit
    _check_duties(tenant, user, credit)
    credit_machine.move(credit, "approve", tenant=tenant, user=user, reason=note)
    credit.decided_by, credit.decided_at = user, timezone.now()
    credit.decision_note = note.strip()[:200]
    credit.save()
    rma_machine.move(rma, "credit", tenant=tenant, user=user, reason=credit.number)
    rma.save()
    webhooks.return_credited(tenant=tenant, credit=credit, rma=rma)
    return credit


@transaction.atomic
def reject(*, tenant: Tenant, user: User, credit: Credit, note: str = "") -> Credit:
    """Refuse a pending credit: the RMA stays dispositioned and may get another proposal."""
    credit_machine.authorize(tenant=tenant, user=user, action="reject")
    credit = _lock_credit(tenant, credit)
    if credit.status == CreditStatus.REJECTED and credit.decided_by_id == user.pk:
        return credit
    _check_duties(tenant, user, credit)
    if not note.strip():
        raise ReturnsError("Say why the credit is rejected: the reason is kept.")
    credit_machine.move(credit, "reject", tenant=tenant, user=user, reason=note)
    credit.decided_by, credit.decided_at = user, timezone.now()
    credit.decision_note = note.strip()[:200]
    credit.save()
    return credit
