from inventory.models.adjustments import (
    Adjustment,
    AdjustmentKind,
    AdjustmentState,
    InventorySettings,
    ReasonCode,
)
from inventory.models.checks import LedgerCheck, LedgerCheckpointBalance, LedgerCheckpointValue
from inventory.models.items import (
    AbcClass,
    CostingMethod,
    Item,
    ItemUnit,
    Lot,
    SerialNumber,
    Tracking,
    Velocity,
)
from inventory.models.ledger import (
    CostLayer,
    ItemSiteActivity,
    Location,
    LocationKind,
    Projection,
    ProjectionKind,
    Reservation,
    StockBalance,
    StockEntry,
    StockStatus,
    StockTransaction,
    TransactionKind,
)
from inventory.models.locations import Bin, BinType, DefaultSite, Site, Zone, ZoneType
from inventory.models.segments import ItemSegment, XyzClass
from inventory.models.snapshots import (
    ClosedDay,
    DayValue,
    HeldClose,
    HeldValue,
    SnapshotPeriod,
    TransitClose,
    ValuationSnapshot,
)

__all__ = [
    "AbcClass", "Adjustment", "AdjustmentKind", "AdjustmentState", "Bin", "BinType", "ClosedDay", "CostLayer",
    "CostingMethod", "DayValue", "DefaultSite", "HeldClose", "HeldValue", "InventorySettings", "Item", "ItemSegment", "ItemSiteActivity", "ItemUnit", "LedgerCheck",
    "LedgerCheckpointBalance", "LedgerCheckpointValue", "Location", "LocationKind", "Lot",
    "Projection", "ProjectionKind", "ReasonCode", "Reservation", "SerialNumber", "Site",
    "SnapshotPeriod", "StockBalance", "StockEntry", "StockStatus", "StockTransaction", "Tracking",
    "TransactionKind", "TransitClose", "ValuationSnapshot", "Velocity", "XyzClass", "Zone", "ZoneType",
]  # fmt: skip
