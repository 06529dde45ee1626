"""Warehouse's API resources (erp.api): shipments, receipts, transfers and counts, one small
module each, gathered on one router that WarehouseConfig.ready adds to the API."""

from __future__ import annotations

from ninja import Router

from warehouse.api import counts, receipts, shipments, transfers

router = Router()
for part in (shipments, receipts, transfers, counts):
    router.add_router("", part.router)
