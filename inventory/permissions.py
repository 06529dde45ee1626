"""Who may do what in inventory: each role set declared once, used by services, views and
the menu (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

# Scanner pages: move stock between bins.
FLOOR = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
# Desk readers: items, stock on hand, item and bin lookups (owners follow the reports' items).
DESK = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN, Role.OWNER})
ITEM_EDITORS = frozenset({Role.PLANNER, Role.ADMIN})
ADJUSTERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# The ledger, read: owners follow the write-off register and the valuation into it.
LEDGER_READERS = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.ADMIN, Role.OWNER})
REVERSERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# The valuation pages and the write-off register (read only: nothing there posts).
VALUERS = frozenset({Role.FINANCE, Role.ADMIN, Role.OWNER})
# ABC/XYZ segments: read by those who plan counts and stock; they may also ask for a fresh run.
SEGMENT_READERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
SEGMENT_RECOMPUTERS = SEGMENT_READERS
# Sites, zones, bins, bin import, inventory settings.
SETTINGS = frozenset({Role.ADMIN})
# Whom this app's exception alerts are routed to (erp.alerts): they see the alert and may
# acknowledge and resolve it.
ALERTED = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
# Whom a ledger that no longer matches its balances or valuation is reported to: it needs
# someone who can read the ledger and the valuation and call in support.
LEDGER_ALERTED = frozenset({Role.FINANCE, Role.ADMIN})
