"""Who may read which reports (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

# Service, stock and supplier measures: the desk roles, and owners who read them.
KPI_READERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN, Role.OWNER})
# The recall trace: the floor's supervisors, planners, finance and admins (operators scan, they
# do not run recalls).
TRACERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN})
# The audit trail and its PDF: finance and admins audit; supervisors may read what happened
# on their floor.
AUDIT_READERS = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.ADMIN})
