"""Service levels per ABC/XYZ segment, and the z each stands for.

The tenant's table (`ServiceLevel`) overrides `DEFAULTS` segment by segment: the items that
make most of the value and sell steadily (AX) are the costliest to run out of, the cheap and
erratic (CZ) the cheapest, so the level falls from 99 % to 90 % across the grid.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from erp.models import Tenant, User
from erp.roles import require_role
from purchasing.models import ServiceLevel
from purchasing.permissions import SETTINGS

# DOMAIN.md: z by service level.
Z = {
    "90": Decimal("1.282"),
    "95": Decimal("1.645"),
    "97.5": Decimal("1.960"),
    "98": Decimal("2.054"),
    "99": Decimal("2.326"),
    "99.5": Decimal("2.576"),
}
SEGMENTS = [(abc, xyz) for abc in "ABC" for xyz in "XYZ"]
DEFAULTS = {
    ("A", "X"): "99", ("A", "Y"): "98", ("A", "Z"): "97.5",
    ("B", "X"): "98", ("B", "Y"): "97.5", ("B", "Z"): "95",
    ("C", "X"): "95", ("C", "Y"): "95", ("C", "Z"): "90",
}  # fmt: skip


def levels(*, tenant: Tenant) -> dict[tuple[str, str], str]:
    """Every segment's service level (percent as text, a key of `Z`), in one query."""
    table = dict(DEFAULTS)
    for abc, xyz, level in ServiceLevel.objects.filter(tenant=tenant).values_list(
        "abc_class", "xyz_class", "level"
    ):
        table[(abc, xyz)] = level
    return table


@transaction.atomic
def save_levels(*, tenant: Tenant, user: User, table: dict[tuple[str, str], str]) -> None:
    """Store the tenant's level for each segment given (admins only); history records `user`."""
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    existing = {(r.abc_class, r.xyz_class): r for r in ServiceLevel.objects.filter(tenant=tenant)}
    for (abc, xyz), level in sorted(table.items()):
        if level not in Z or (abc, xyz) not in DEFAULTS:
            continue
        row = existing.get((abc, xyz)) or ServiceLevel(tenant=tenant, abc_class=abc, xyz_class=xyz)
        if row.pk and row.level == level:
            continue
        row.level = level
        row._history_user = user
        row.save()
