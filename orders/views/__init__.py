"""Sales pages. Who may do what is declared once in `orders.permissions` (the services check
the same roles):

- order entry, customers, the order pool: supervisors, planners and admins;
- releasing orders to the floor: supervisors and admins (`sales_orders.release`);
- finance reads orders, customers and backorders; operators see none of it.
"""
