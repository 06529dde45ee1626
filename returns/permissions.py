"""Who may do what with returns: each role set declared once, used by services, views and the
menu."""

from erp.roles import Role

# Raise and authorise RMAs within policy; propose their credits.
DESK = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
# Authorise an RMA outside its policy, reject one, close one; the returns queues.
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Receive returns at the returns area; grade and disposition them; ship supplier returns.
FLOOR = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
# Decide credits up to the tenant's threshold; above it only FINANCE.
CREDIT_APPROVERS = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.ADMIN})
FINANCE = frozenset({Role.FINANCE})
# The credits register and its export for the accounting system (owners read them too).
LEDGER_READERS = frozenset({Role.FINANCE, Role.ADMIN, Role.OWNER})
SETTINGS = frozenset({Role.ADMIN})
# Who reads an RMA: the desk, finance deciding its credit, and owners following the credits
# register and the return-reasons report to it.
VIEWERS = DESK | FINANCE | frozenset({Role.OWNER})
