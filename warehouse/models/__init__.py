from warehouse.models.receiving import Discrepancy, DiscrepancyKind, DiscrepancyState, ReceiptLine
from warehouse.models.settings import ReceivingSettings, ShelfLifePolicy

__all__ = [
    "Discrepancy",
    "DiscrepancyKind",
    "DiscrepancyState",
    "ReceiptLine",
    "ReceivingSettings",
    "ShelfLifePolicy",
]
