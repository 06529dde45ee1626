"""Reorder planning (DOMAIN.md, "Replenishment and planning"): service levels per segment,
the set-based suggestion run, and the planner's review of what it suggests."""
