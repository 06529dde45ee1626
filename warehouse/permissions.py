"""Who may do what in the warehouse: each role set declared once, used by services, views and
the menu (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

# Scanner and station work: receive, put away, pick, pack, ship.
FLOOR = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
# Who starts or takes over a pick batch: the floor. An admin looking at the queue claims nothing.
STARTERS = frozenset({Role.OPERATOR, Role.SUPERVISOR})
# Queues, waves, discrepancies, inspection, floor exceptions.
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Drafting a transfer (releasing it stays the supervisors'): planners turn suggestions into them.
TRANSFER_DRAFTERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
SETTINGS = frozenset({Role.ADMIN})
# Whom late-shipment alerts are routed to (erp.alerts): the floor ships the order, the planner
# answers the customer. Floor alerts (short picks, faces, replenishments) go to SUPERVISORS.
ALERTED = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
# Who reads shipments and their tracking: the floor that ships them, and the planner who
# answers the customer (a web store's API token acts as a planner, as when it places orders).
SHIPMENT_READERS = FLOOR | frozenset({Role.PLANNER})
# Who reads transfers: those who draft them (a planner's draft is followed to its arrival).
TRANSFER_READERS = TRANSFER_DRAFTERS
# Who reads receipts against purchase orders: supervisors who decide their discrepancies and
# the desk that follows its orders and matches invoices (purchasing's viewers). Operators
# record receipts at the dock; they do not review them.
RECEIPT_READERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN})
