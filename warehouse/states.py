"""Status machines of the warehouse's documents: every allowed move, who may make it, its
button (`erp.transitions`). Services move these documents only through the tables here, and
pages ask `available_actions` what to offer.

    wave         planned --release--> released --finish--> done (its last order off the floor)
                 planned --cancel--> cancelled (its orders wait for another wave)
    pick batch   open --start--> claimed --take_over--> claimed (by another picker)
                 open / claimed --finish--> done (its last task picked)
    pick task    open --pick--> picked;  open --short--> short (less in the bin than asked)
    putaway task open --complete--> done
    replenishment open --complete--> done;  open --short--> short (less in reserve than
                 reserved);  open --cancel--> cancelled (its reservation given back)
    carton       open --close--> closed (labelled with an SSCC) --ship--> shipped
                 unpack runs from open or closed: the carton is emptied and dropped
    shipment     open --confirm--> shipped;  drop runs from open: its last carton was
                 unpacked, and it is deleted
    discrepancy  open --accept--> accepted;  open --reject--> rejected
    count        open --count--> counted --request_recount--> recount requested
                 recount requested --recount--> recounted
                 counted / recounted --approve--> approved (the variance posted)
                 counted / recounted --reject--> rejected (nothing posted; the bin is counted again)
                 open / recount requested --cancel--> cancelled
    transfer     draft --release--> released (source stock reserved) --pick--> picked (its
                 last pick scanned) --ship--> shipped (source bins -> in transit)
                 --receive--> received / partially received --close--> closed (short: the
                 missing quantity written off or kept in transit, as decided)
                 draft / released / picked --cancel--> cancelled (reservations released)

A discrepancy that needs no decision (over-receipt within tolerance, a short-closed line) is
recorded accepted. Pick and putaway tasks have a `cancelled` status no move leads to yet:
nothing cancels a task today. A receipt line has no states: it is posted once, at the dock,
and never changes; what follows it is another document (its putaway task, a discrepancy,
an adjustment, a return).
"""

from __future__ import annotations

from erp.transitions import Machine, Transition, transition
from warehouse.models import (
    BatchStatus,
    Carton,
    CartonStatus,
    Count,
    CountStatus,
    Discrepancy,
    DiscrepancyState,
    PickBatch,
    PickState,
    PickTask,
    PutawayTask,
    Replenishment,
    ReplenishmentState,
    Shipment,
    ShipmentStatus,
    TaskState,
    TransferOrder,
    TransferStatus,
    Wave,
    WaveStatus,
)
from warehouse.permissions import FLOOR, STARTERS, SUPERVISORS

W, B, P, T, C, S, D = (
    WaveStatus, BatchStatus, PickState, TaskState, CartonStatus, ShipmentStatus, DiscrepancyState
)  # fmt: skip

wave_machine = Machine(
    field="status", choices=W, describe=lambda wave: wave.number,
    table={
        "release": transition([W.PLANNED], W.RELEASED, SUPERVISORS, label="Release wave"),
        # Only a planned wave: a released one has pick tasks out on the floor.
        "cancel": transition(
            [W.PLANNED], W.CANCELLED, SUPERVISORS, label="Cancel wave", style="danger"
        ),
        # Taken by shipping for the person confirming the wave's last shipment.
        "finish": transition([W.RELEASED], W.DONE, FLOOR),
    },
)  # fmt: skip

batch_machine = Machine(
    field="status", choices=B, describe=lambda batch: f"Batch {batch}",
    table={
        "start": transition([B.OPEN], B.CLAIMED, STARTERS, label="Start"),
        # From the picker who went home; a batch nobody holds is started instead.
        "take_over": transition([B.CLAIMED], B.CLAIMED, STARTERS, label="Take over"),
        # Taken by picking for the picker confirming the batch's last open task.
        "finish": transition([B.OPEN, B.CLAIMED], B.DONE, FLOOR),
    },
)  # fmt: skip

pick_machine = Machine(
    field="state", choices=P, describe=lambda task: f"Pick task #{task.pk}",
    table={
        "pick": transition([P.OPEN], P.DONE, FLOOR),
        "short": transition([P.OPEN], P.SHORT, FLOOR),
    },
)  # fmt: skip

putaway_machine = Machine(
    field="state", choices=T, describe=lambda task: f"Putaway #{task.pk}",
    table={"complete": transition([T.OPEN], T.DONE, FLOOR)},
)  # fmt: skip

carton_machine = Machine(
    field="status", choices=C, describe=lambda carton: f"Carton {carton.sscc or carton.pk}",
    table={
        "close": transition([C.OPEN], C.CLOSED, FLOOR, label="Close carton"),
        # Taken by shipping for each carton of a confirmed shipment.
        "ship": transition([C.CLOSED], C.SHIPPED, FLOOR),
        "unpack": transition(
            [], None, FLOOR, keeps=[C.OPEN, C.CLOSED], label="Unpack carton", style="secondary",
            outcome="unpacked",
        ),
    },
)  # fmt: skip

shipment_machine = Machine(
    field="status", choices=S, describe=lambda shipment: shipment.number,
    table={
        "confirm": transition([S.OPEN], S.SHIPPED, FLOOR, label="Confirm shipment"),
        # Taken by packing when the shipment's last carton is unpacked.
        "drop": transition([], None, FLOOR, keeps=[S.OPEN], outcome="dropped"),
    },
)  # fmt: skip

discrepancy_machine = Machine(
    field="state", choices=D, describe=lambda discrepancy: f"Discrepancy #{discrepancy.pk}",
    table={
        "accept": transition([D.OPEN], D.ACCEPTED, SUPERVISORS, label="Accept"),
        "reject": transition([D.OPEN], D.REJECTED, SUPERVISORS, label="Reject"),
    },
)  # fmt: skip

K = CountStatus
count_machine = Machine(
    field="status", choices=K, describe=lambda count: f"Count #{count.pk}",
    table={
        "count": transition([K.OPEN], K.COUNTED, FLOOR),
        # Taken by counting when a variance is beyond the tenant's tolerance.
        "request_recount": transition([K.COUNTED], K.RECOUNT, FLOOR),
        "recount": transition([K.RECOUNT], K.RECOUNTED, FLOOR),
        "approve": transition(
            [K.COUNTED, K.RECOUNTED], K.APPROVED, SUPERVISORS, label="Approve and post"
        ),
        "reject": transition(
            [K.COUNTED, K.RECOUNTED], K.REJECTED, SUPERVISORS, label="Reject", style="danger"
        ),
        "cancel": transition([K.OPEN, K.RECOUNT], K.CANCELLED, SUPERVISORS),
    },
)  # fmt: skip

R = ReplenishmentState
replenishment_machine = Machine(
    field="state", choices=R, describe=lambda task: f"Replenishment #{task.pk}",
    table={
        "complete": transition([R.OPEN], R.DONE, FLOOR),
        "short": transition([R.OPEN], R.SHORT, FLOOR),
        "cancel": transition([R.OPEN], R.CANCELLED, SUPERVISORS, label="Cancel", style="danger"),
    },
)  # fmt: skip

X = TransferStatus
transfer_machine = Machine(
    field="status", choices=X, describe=lambda transfer: transfer.number,
    table={
        "release": transition([X.DRAFT], X.RELEASED, SUPERVISORS, label="Release"),
        # Taken by the transfer pick for the operator scanning its last pick.
        "pick": transition([X.RELEASED], X.PICKED, FLOOR),
        "ship": transition([X.PICKED], X.SHIPPED, FLOOR, label="Ship"),
        # Taken by the destination's receipt scans: the facts decide how far it got.
        "receive": transition(
            [X.SHIPPED, X.PARTIALLY_RECEIVED], [X.PARTIALLY_RECEIVED, X.RECEIVED], FLOOR
        ),
        "close": transition(
            [X.RECEIVED, X.PARTIALLY_RECEIVED], X.CLOSED, SUPERVISORS, label="Close"
        ),
        # Nothing has left the source yet: the reservations are simply released.
        # Picks only record scans (the stock stays reserved in its bins until shipped), so a
        # picked transfer can still be called off: a source found empty would otherwise stick.
        "cancel": transition(
            [X.DRAFT, X.RELEASED, X.PICKED], X.CANCELLED, SUPERVISORS, label="Cancel transfer",
            style="danger",
        ),
    },
)  # fmt: skip

MACHINES: dict[type, Machine] = {
    Wave: wave_machine,
    PickBatch: batch_machine,
    PickTask: pick_machine,
    PutawayTask: putaway_machine,
    Replenishment: replenishment_machine,
    Carton: carton_machine,
    Shipment: shipment_machine,
    Discrepancy: discrepancy_machine,
    Count: count_machine,
    TransferOrder: transfer_machine,
}


def available_actions(document, *, tenant, user) -> list[Transition]:
    """What `user` may do to a warehouse document now, in its table's order: the buttons its
    page shows (each with `name`, `label` and `style`). No query beyond the user's role."""
    return MACHINES[type(document)].allowed(document, tenant=tenant, user=user)
