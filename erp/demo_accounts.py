"""The demo sign-ins, without Django imports so `make demo` can print them from its runner."""

PASSWORD = "stockline-demo"
TENANTS = [("northwind", "Northwind Distribution"), ("harbor", "Harbor Supply")]
ROLES = ["admin", "supervisor", "operator", "planner", "finance", "owner"]
CONSULTANT_EMAIL = "consultant@example.com"
CONSULTANT_NAME = "Casey Consultant"
# The consultant works for both: admin at Northwind, supervisor at Harbor.
CONSULTANT_ROLES = {"northwind": "admin", "harbor": "supervisor"}


def logins() -> list[str]:
    lines = [f"  {role}@northwind.example / {role}@harbor.example" for role in ROLES]
    lines.append(f"  {CONSULTANT_EMAIL} (admin at Northwind, supervisor at Harbor)")
    lines.append(f"  password for every demo user: {PASSWORD}")
    return lines
