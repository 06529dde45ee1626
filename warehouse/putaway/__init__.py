"""Putaway: received goods go from the dock to the bin the rules suggest."""
