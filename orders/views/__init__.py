"""Sales pages. Who may do what (the services check the same roles):

- order entry, customers, the order pool: supervisors, planners and admins;
- releasing orders to the floor: supervisors and admins (`sales_orders.release`);
- finance reads orders, customers and backorders; operators see none of it.
"""

from erp.roles import Role

VIEWERS = (Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN)
EDITORS = (Role.SUPERVISOR, Role.PLANNER, Role.ADMIN)
RELEASERS = (Role.SUPERVISOR, Role.ADMIN)
