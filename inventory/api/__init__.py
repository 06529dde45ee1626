"""Inventory's API resources (erp.api): items, places, stock, ATP, the ledger, adjustments.

One small module per resource, each with its own router and schemas; `router` gathers them
for InventoryConfig.ready to add to the site.
"""

from __future__ import annotations

from ninja import Router

from inventory.api import adjustments, atp, items, ledger, places, stock

router = Router()
for module in (items, places, stock, atp, ledger, adjustments):
    router.add_router("", module.router)
