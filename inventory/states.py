"""Status machines of inventory's documents: the adjustment (and reversal request).

pending -> posted (at once within the threshold, or approved by a second supervisor);
pending -> rejected.
"""

from __future__ import annotations

from erp.transitions import Machine, transition
from inventory.models import AdjustmentState as A
from inventory.permissions import ADJUSTERS

ADJUSTMENT_TRANSITIONS = {
    # Within the threshold the requester's own request posts without a second person.
    "post": transition([A.PENDING], A.POSTED, ADJUSTERS),
    "approve": transition([A.PENDING], A.POSTED, ADJUSTERS, label="Approve", outcome="approved"),
    "reject": transition([A.PENDING], A.REJECTED, ADJUSTERS, label="Reject", outcome="rejected"),
}

adjustment_machine = Machine(field="state", choices=A, table=ADJUSTMENT_TRANSITIONS)
