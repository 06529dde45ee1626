"""Purchasing's API resources (erp.api): suppliers, purchase orders and reorder suggestions.

Receipts (what arrived when, discrepancies) are warehouse records, which purchasing may not
read: an order's lines give what purchasing knows of them (received so far, first arrival,
closed short), and the warehouse's API gives the receipts themselves.
"""

from purchasing.api import orders, suggestions, suppliers

ROUTERS = [suppliers.router, orders.router, suggestions.router]
