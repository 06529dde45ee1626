"""The purchase order's status machine: every allowed move, who may make it, its button.

draft -> approved -> sent -> partially received -> received -> closed; back to draft from
approved; cancelled from draft or approved. Receiving moves an approved or sent order to
partially received or received as goods arrive (`record_receipt`, `close_short`).
"""

from __future__ import annotations

from erp.transitions import Machine, transition
from purchasing.models import OrderStatus as S
from purchasing.permissions import (  # noqa: F401 - services and views read them here too
    APPROVERS,
    BUYERS,
    CLOSERS,
    RECEIVERS,
    SHORT_CLOSERS,
)

# Lines are added and removed only here: an approval covers the order as it was approved.
EDITABLE = {S.DRAFT}
# Goods may arrive against these (over-receipt after "received" becomes a discrepancy).
RECEIVABLE = {S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED}
ARRIVING = {S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED}

TRANSITIONS = {
    "approve": transition([S.DRAFT], S.APPROVED, APPROVERS, label="Approve"),
    "send": transition([S.APPROVED], S.SENT, BUYERS, label="Mark as sent"),
    "reopen": transition([S.APPROVED], S.DRAFT, BUYERS, label="Back to draft", style="secondary"),
    "cancel": transition([S.DRAFT, S.APPROVED], S.CANCELLED, BUYERS, label="Cancel order", style="danger"),
    "close": transition(
        [S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED], S.CLOSED, CLOSERS,
        label="Close (short-close open lines)", style="secondary",
    ),
    # Taken by receiving for the person at the dock, never offered as a button.
    "receive_part": transition([S.APPROVED, S.SENT], S.PARTIALLY_RECEIVED, RECEIVERS),
    "receive_all": transition(ARRIVING, S.RECEIVED, RECEIVERS),
}  # fmt: skip

machine = Machine(field="status", choices=S, table=TRANSITIONS, describe=lambda order: order.number)
