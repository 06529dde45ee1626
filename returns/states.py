"""Status machines of returns' documents (`erp.transitions`); services move them only
through these tables, and pages ask `available_actions` what to offer.

    RMA     draft --authorise--> authorised (within policy; outside it a supervisor takes
            --authorise_exception--)  draft / authorised --reject--> rejected (nothing received)
            authorised / partially received --receive--> partially received / received
            partially received --stop_receiving--> received (the rest is not coming)
            received --inspect--> inspected (every unit received is graded)
            inspected --disposition--> dispositioned (every graded quantity decided)
            dispositioned --credit--> credited (its credit approved) --close--> closed
            Inspection and disposition may start on what has arrived: they keep the RMA
            where it is until the last unit is done.
    credit  pending --approve--> approved;  pending --reject--> rejected (another may be proposed)
    supplier return  open --ship--> shipped
"""

from __future__ import annotations

from erp.transitions import Machine, Transition, transition
from returns.models import (
    Credit,
    CreditStatus,
    ReturnAuthorisation,
    RmaStatus,
    SupplierReturn,
    SupplierReturnStatus,
)
from returns.permissions import CREDIT_APPROVERS, DESK, FLOOR, SUPERVISORS

R = RmaStatus
RECEIVING = [R.AUTHORISED, R.PARTIALLY_RECEIVED]
INSPECTING = [R.PARTIALLY_RECEIVED, R.RECEIVED]

rma_machine = Machine(
    field="status", choices=R, describe=lambda rma: rma.number,
    table={
        "authorise": transition(
            [R.DRAFT], R.AUTHORISED, DESK, label="Authorise",
            guard=lambda facts: facts["within_policy"],
        ),
        "authorise_exception": transition(
            [R.DRAFT], R.AUTHORISED, SUPERVISORS, label="Authorise outside policy",
            guard=lambda facts: not facts["within_policy"],
        ),
        "reject": transition(
            [R.DRAFT, R.AUTHORISED], R.REJECTED, SUPERVISORS, label="Reject RMA", style="danger",
            guard=lambda facts: not facts["received"],
        ),
        # Taken by each receipt scan: the quantities decide how far it got.
        "receive": transition(RECEIVING, [R.PARTIALLY_RECEIVED, R.RECEIVED], FLOOR),
        "stop_receiving": transition(
            [R.PARTIALLY_RECEIVED], R.RECEIVED, SUPERVISORS, label="Stop waiting for the rest",
            style="secondary",
        ),
        "inspect": transition([R.RECEIVED], R.INSPECTED, FLOOR, keeps=INSPECTING),
        "disposition": transition(
            [R.INSPECTED], R.DISPOSITIONED, FLOOR, keeps=[*INSPECTING, R.INSPECTED]
        ),
        # Taken by the credit's approval.
        "credit": transition([R.DISPOSITIONED], R.CREDITED, CREDIT_APPROVERS),
        "close": transition([R.CREDITED], R.CLOSED, SUPERVISORS, label="Close RMA"),
    },
)  # fmt: skip

C = CreditStatus
credit_machine = Machine(
    field="status", choices=C, describe=lambda credit: credit.number,
    table={
        "approve": transition([C.PENDING], C.APPROVED, CREDIT_APPROVERS, label="Approve credit"),
        "reject": transition(
            [C.PENDING], C.REJECTED, CREDIT_APPROVERS, label="Reject credit", style="danger"
        ),
    },
)  # fmt: skip

S = SupplierReturnStatus
supplier_return_machine = Machine(
    field="status", choices=S, describe=lambda rtv: rtv.number,
    table={"ship": transition([S.OPEN], S.SHIPPED, FLOOR, label="Ship to supplier")},
)  # fmt: skip

MACHINES: dict[type, Machine] = {
    ReturnAuthorisation: rma_machine,
    Credit: credit_machine,
    SupplierReturn: supplier_return_machine,
}


def available_actions(document, *, tenant, user, facts=None) -> list[Transition]:
    return MACHINES[type(document)].allowed(document, tenant=tenant, user=user, facts=facts)
