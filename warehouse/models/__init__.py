from warehouse.models.putaway import PutawayRule, PutawayTask, TaskState
from warehouse.models.receiving import Discrepancy, DiscrepancyKind, DiscrepancyState, ReceiptLine
from warehouse.models.settings import ReceivingSettings, ShelfLifePolicy

__all__ = [
    "Discrepancy", "DiscrepancyKind", "DiscrepancyState", "PutawayRule", "PutawayTask",
    "ReceiptLine", "ReceivingSettings", "ShelfLifePolicy", "TaskState",
]  # fmt: skip
