"""Who may do what in orders: each role set declared once, used by services, views and the
menu (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

# Read orders, customers and backorders; owners read them behind the executive figures.
VIEWERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN, Role.OWNER})
# Take and change sales orders, allocate them, edit and import customers.
EDITORS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
RELEASERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# The floor's steps on an order (packed, shipment confirmed), recorded for the warehouse.
FLOOR = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
# Whom this app's exception alerts are routed to (erp.alerts): they see the alert and may
# acknowledge and resolve it.
ALERTED = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
# Backorders left waiting also reach owners (the executive figures' backorders): they see the
# alert and may acknowledge it; resolving is for those who deal with it (erp.alerts.states).
AGING_ALERTED = ALERTED | frozenset({Role.OWNER})
