from warehouse.models.counting import (
    Count,
    CountedLine,
    CountResult,
    CountRound,
    CountSettings,
    CountSnapshot,
    CountSource,
    CountStatus,
)
from warehouse.models.exceptions import CountRequest, ExceptionKind, FloorException
from warehouse.models.packing import Carton, CartonLine, CartonStatus
from warehouse.models.picking import (
    BatchStatus,
    PickBatch,
    PickState,
    PickTask,
    Wave,
    WaveOrder,
    WaveStatus,
)
from warehouse.models.putaway import PutawayRule, PutawayTask, TaskState
from warehouse.models.receiving import (
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyState,
    ReceiptLine,
    ReceivingSettings,
    ShelfLifePolicy,
)
from warehouse.models.replenishment import PickFace, Replenishment, ReplenishmentState
from warehouse.models.shipping import Shipment, ShipmentStatus, ShippingSettings
from warehouse.models.transfers import (
    TransferCarton,
    TransferCartonLine,
    TransferDiscrepancy,
    TransferDiscrepancyKind,
    TransferDiscrepancyResolution,
    TransferLine,
    TransferOrder,
    TransferPick,
    TransferReceipt,
    TransferStatus,
)
from warehouse.models.work import Priority, WorkKind, WorkStatus, WorkTask

__all__ = [
    "BatchStatus", "Carton", "CartonLine", "CartonStatus", "Count", "CountRequest", "CountResult",
    "CountRound", "CountSettings", "CountSnapshot", "CountSource", "CountStatus", "CountedLine", "Discrepancy",
    "DiscrepancyKind", "DiscrepancyState", "ExceptionKind", "FloorException", "PickBatch",
    "PickFace", "PickState", "PickTask", "Priority", "PutawayRule", "PutawayTask", "ReceiptLine",
    "ReceivingSettings", "Replenishment", "ReplenishmentState", "ShelfLifePolicy", "Shipment",
    "ShipmentStatus", "ShippingSettings", "TaskState", "TransferCarton", "TransferCartonLine", "TransferDiscrepancy",
    "TransferDiscrepancyKind", "TransferDiscrepancyResolution", "TransferLine", "TransferOrder",
    "TransferPick", "TransferReceipt", "TransferStatus", "Wave", "WaveOrder", "WaveStatus",
    "WorkKind", "WorkStatus", "WorkTask",
]  # fmt: skip
