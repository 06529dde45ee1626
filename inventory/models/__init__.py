from inventory.models.imports import BinImport
from inventory.models.locations import Bin, BinType, Site, Zone, ZoneType

__all__ = ["Bin", "BinImport", "BinType", "Site", "Zone", "ZoneType"]
