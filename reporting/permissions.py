"""Who may read reporting's pages (declared once, used by views and the menu)."""

from erp.roles import Role

# The audit trail and its PDF: finance and admins audit; supervisors may read what happened
# on their floor.
AUDIT_READERS = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.ADMIN})
