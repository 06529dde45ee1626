"""Shipping: closed cartons leave on a shipment, with its packing slip and bill of lading."""
