from warehouse.models.outbound import (
    BatchStatus,
    Carton,
    CartonLine,
    CartonStatus,
    CountRequest,
    ExceptionKind,
    FloorException,
    PickBatch,
    PickState,
    PickTask,
    Shipment,
    ShipmentStatus,
    ShippingSettings,
    Wave,
    WaveOrder,
    WaveStatus,
)
from warehouse.models.putaway import PutawayRule, PutawayTask, TaskState
from warehouse.models.receiving import Discrepancy, DiscrepancyKind, DiscrepancyState, ReceiptLine
from warehouse.models.settings import ReceivingSettings, ShelfLifePolicy
from warehouse.models.work import Priority, WorkKind, WorkStatus, WorkTask

__all__ = [
    "BatchStatus", "Carton", "CartonLine", "CartonStatus", "CountRequest", "Discrepancy",
    "DiscrepancyKind", "DiscrepancyState", "ExceptionKind", "FloorException", "PickBatch",
    "PickState", "PickTask", "Priority", "PutawayRule", "PutawayTask", "ReceiptLine",
    "ReceivingSettings", "ShelfLifePolicy", "Shipment", "ShipmentStatus", "ShippingSettings",
    "TaskState", "Wave", "WaveOrder", "WaveStatus", "WorkKind", "WorkStatus", "WorkTask",
]  # fmt: skip
