"""Draft transfers for planners' accepted transfer suggestions (registered with
`purchasing.planning.hooks` from `WarehouseConfig.ready()`)."""

from __future__ import annotations

import datetime

from django.db import transaction

from inventory.models import Item
from warehouse.transfers import services


@transaction.atomic
def make_draft(
    *, tenant, user, from_site, to_site, expected_date: datetime.date, lines, note: str
) -> str:
    """One draft transfer holding `lines` (purchasing.planning.hooks.TransferLine); returns
    its number. Nothing is reserved until a supervisor releases it."""
    transfer = services.create(
        tenant=tenant, user=user, from_site=from_site, to_site=to_site,
        expected_date=expected_date, note=note,
    )  # fmt: skip
    items = Item.objects.in_bulk([line.item_id for line in lines])
    for line in lines:
        services.add_line(
            tenant=tenant, user=user, transfer=transfer, item=items[line.item_id],
            quantity=line.quantity,
        )  # fmt: skip
    return transfer.number
