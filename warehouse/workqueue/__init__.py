"""One task queue for the floor: operators are handed the most urgent work of their site and
zone, supervisors see, reassign, reprioritise and cancel it (models in warehouse.models.work)."""
