"""How an accepted transfer suggestion becomes a draft transfer without purchasing importing
warehouse (the layers run erp -> inventory -> purchasing -> warehouse): warehouse registers its
maker from `WarehouseConfig.ready()`, as apps register importers and demo steps."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from purchasing.errors import NoTransferMaker


@dataclass(frozen=True)
class TransferLine:
    item_id: int
    quantity: Decimal  # base units


# maker(*, tenant, user, from_site, to_site, expected_date, lines, note) -> the draft's number
TransferMaker = Callable[..., str]
_maker: TransferMaker | None = None


def register_transfer_maker(maker: TransferMaker) -> None:
    global _maker
    _maker = maker


def make_transfer(
    *, tenant, user, from_site, to_site, expected_date: datetime.date,
    lines: list[TransferLine], note: str,
) -> str:  # fmt: skip
    if _maker is None:
        raise NoTransferMaker()
    return _maker(
        tenant=tenant, user=user, from_site=from_site, to_site=to_site,
        expected_date=expected_date, lines=lines, note=note,
    )  # fmt: skip
