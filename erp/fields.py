"""Building blocks for tenant-owned tables (DESIGN.md, "Tenancy").

Every tenant-owned model derives from `TenantModel`; every foreign key from one tenant-owned
table to another is a `TenantForeignKey`. Django keeps its own constraint off such a key
(`db_constraint=False`) because the database enforces the composite
(tenant_id, x_id) -> (tenant_id, id) instead, added by `erp.migration_ops.TenantTable`.
"""

from __future__ import annotations

from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant) -> TenantQuerySet:
        return self.filter(tenant=tenant)


class TenantModel(models.Model):
    # No index of its own: every tenant table has UNIQUE (tenant_id, id) and its other
    # indexes start with tenant_id, and a lone tenant_id index tempts the planner into
    # reading half a tenant's rows when statistics lag behind a new tenant.
    tenant = models.ForeignKey(
        "erp.Tenant", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class TenantForeignKey(models.ForeignKey):
    """A foreign key to another tenant-owned model, enforced with the tenant in the database."""

    def __init__(self, to, on_delete, **kwargs):
        kwargs["db_constraint"] = False
        super().__init__(to, on_delete, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("db_constraint", None)
        return name, path, args, kwargs
