"""Packing: picked goods go into cartons, each closed with an SSCC and its label."""
