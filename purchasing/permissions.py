"""Who may do what in purchasing: each role set declared once, used by services, views and
the menu (DESIGN.md, "Who writes what": permissions are declared once)."""

from erp.roles import Role

VIEWERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN})
# Suppliers, supplier items, purchase orders and their imports.
BUYERS = frozenset({Role.PLANNER, Role.ADMIN})
APPROVERS = frozenset({Role.PLANNER, Role.FINANCE, Role.ADMIN})
SETTINGS = frozenset({Role.ADMIN})
