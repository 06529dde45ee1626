"""The orders app's API resources (erp.api): customers and sales orders.

Shipments (number, carrier, tracking) are warehouse records, which orders may not read: an
order gives what orders knows (its carrier and route, each line's shipped quantity and first
shipment), and the warehouse's API gives the shipments (`/shipments?order=<number>`).
"""

from orders.api import customers, sales_orders

ROUTERS = [customers.router, sales_orders.router]
