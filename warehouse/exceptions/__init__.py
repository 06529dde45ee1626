"""Floor exceptions: short picks and packing differences a supervisor must see."""
