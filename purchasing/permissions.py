"""Who may do what in purchasing: each role set declared once, used by services, views and
the menu (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

# Read suppliers and purchase orders (owners follow the supplier scorecard to them).
VIEWERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN, Role.OWNER})
# Suppliers, supplier items, purchase orders and their imports.
BUYERS = frozenset({Role.PLANNER, Role.ADMIN})
APPROVERS = frozenset({Role.PLANNER, Role.FINANCE, Role.ADMIN})
SETTINGS = frozenset({Role.ADMIN})
# Closing an order (short-closing what is still open) is the dock's call as much as the buyer's.
CLOSERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
RECEIVERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
# Who may ask for a step on an order from its page: whoever some step of the table allows (the
# machine then checks which); a reader who may take none is refused before it.
ACTORS = BUYERS | APPROVERS | CLOSERS
# Deciding that the rest of a line will not come is the supervisor's.
SHORT_CLOSERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Whom overdue-receipt alerts are routed to (erp.alerts): the planner chases the supplier, the
# dock supervisor plans around the gap.
ALERTED = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
