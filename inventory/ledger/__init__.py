"""The inventory ledger: the only code that changes stock (DESIGN.md, "The inventory ledger").

from inventory import ledger
ledger.post(tenant=..., user=..., kind="move", moves=[ledger.Move(...)], idempotency_key=...)
"""

from inventory.ledger.locations import bin_location, ensure_bin_locations, virtual_location
from inventory.ledger.posting import Consume, Move, post
from inventory.ledger.reservations import release, release_source, reserve
from inventory.ledger.reversal import reverse
from inventory.ledger.verify import verify

__all__ = [
    "Consume", "Move", "bin_location", "ensure_bin_locations", "post", "release",
    "release_source", "reserve", "reverse", "verify", "virtual_location",
]  # fmt: skip
