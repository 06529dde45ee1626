"""Cycle counting: blind counts of one bin on the scanner, recounts, approval and accuracy."""
