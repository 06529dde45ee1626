from warehouse.models.exceptions import CountRequest, ExceptionKind, FloorException
from warehouse.models.packing import Carton, CartonLine
from warehouse.models.picking import PickBatch, PickState, PickTask, Wave, WaveOrder, WaveStatus
from warehouse.models.putaway import PutawayRule, PutawayTask, TaskState
from warehouse.models.receiving import (
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyState,
    ReceiptLine,
    ReceivingSettings,
    ShelfLifePolicy,
)
from warehouse.models.shipping import Shipment, ShipmentStatus, ShippingSettings

__all__ = [
    "Carton", "CartonLine", "CountRequest", "Discrepancy", "DiscrepancyKind", "DiscrepancyState",
    "ExceptionKind", "FloorException", "PickBatch", "PickState", "PickTask", "PutawayRule",
    "PutawayTask", "ReceiptLine", "ReceivingSettings", "ShelfLifePolicy", "Shipment",
    "ShipmentStatus", "ShippingSettings", "TaskState", "Wave", "WaveOrder", "WaveStatus",
]  # fmt: skip
