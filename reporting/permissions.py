"""Who may read which reports (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

# Service, stock and supplier measures: the desk roles.
KPI_READERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN})
