"""The inventory ledger: the only code that changes stock (DESIGN.md, "The inventory ledger").

from inventory import ledger
ledger.post(tenant=..., user=..., kind="move", moves=[ledger.Move(...)], idempotency_key=...)
"""

from inventory.ledger.locations import bin_location, ensure_bin_locations, virtual_location
from inventory.ledger.posting import Consume, Move, post
from inventory.ledger.reservations import (
    Candidate,
    ReserveRequest,
    lock_available,
    release,
    release_source,
    reserve,
    reserve_many,
)
from inventory.ledger.reversal import reverse
from inventory.ledger.verify import check, latest_checkpoint, verify

__all__ = [
    "Candidate",
    "Consume",
    "Move",
    "ReserveRequest",
    "bin_location",
    "check",
    "ensure_bin_locations",
    "latest_checkpoint",
    "lock_available",
    "post",
    "release",
    "release_source",
    "reserve",
    "reserve_many",
    "reverse",
    "verify",
    "virtual_location",
]  # fmt: skip
