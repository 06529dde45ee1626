"""The work task's status machine.

    waiting --start--> started --finish--> done
    waiting / started --cancel--> cancelled;  started --release--> waiting

Reassigning and reprioritising change no status: they are edits, recorded in history with
who and why like the moves.
"""

from __future__ import annotations

from erp.transitions import Machine, transition
from warehouse.models import WorkStatus as W
from warehouse.permissions import FLOOR, STARTERS, SUPERVISORS

ACTIVE = frozenset({W.OPEN, W.STARTED})

TRANSITIONS = {
    "start": transition([W.OPEN], W.STARTED, STARTERS, label="Start"),
    # Taken by the flow when its document is started, or taken over, on its own page.
    "take_over": transition([W.STARTED], W.STARTED, STARTERS),
    # Taken by the flow when its own document is done, for the person who did it.
    "finish": transition(ACTIVE, W.DONE, FLOOR),
    # Taken by the flow when it cancels its own document.
    "withdraw": transition(ACTIVE, W.CANCELLED, FLOOR),
    "release": transition([W.STARTED], W.OPEN, SUPERVISORS, label="Back to queue", style="secondary"),
    "cancel": transition(ACTIVE, W.CANCELLED, SUPERVISORS, label="Cancel", style="danger"),
}  # fmt: skip

machine = Machine(field="status", choices=W, table=TRANSITIONS, describe=lambda task: task.summary)
