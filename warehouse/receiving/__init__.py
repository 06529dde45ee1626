"""Receiving: goods arrive at the dock against purchase orders; discrepancies and QC holds."""
