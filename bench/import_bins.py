"""Bins CSV import: 50,000 rows checked and imported through the import framework's services
(the code the Celery tasks run), against a raw-SQL reference in the same process (one INSERT
of the same rows from arrays: no checks, no history; COPY is refused on tables under
row-level security).

    .venv/bin/python bench/import_bins.py [rows]

The last line is the headline: `import_seconds <seconds for check + import of all rows>`.
"""

from __future__ import annotations

import sys
import time
import uuid

from _setup import django_setup

django_setup()

from django.db import connection, transaction  # noqa: E402

from erp.imports import services  # noqa: E402
from erp.models import ImportJob, Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory.models import Bin, Site, Zone  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000


def make_csv(rows: int) -> str:
    lines = [
        "site,zone,code,type,walk_sequence,capacity_volume,capacity_weight,capacity_units,active"
    ]
    for n in range(rows):
        zone = "PCK" if n % 3 else "STO"
        kind = "pick_face" if zone == "PCK" else "reserve"
        lines.append(f"BEN,{zone},B-{n:06},{kind},{n},1.25,500,{100 + n % 50},yes")
    return "\n".join(lines) + "\n"


def delete_bins(tenant: Tenant) -> None:
    # _raw_delete: no per-row signals (which would also write a history row per deleted bin).
    with tenant_context(tenant):
        Bin.history.model.objects.filter(tenant=tenant)._raw_delete(connection.alias)
        Bin.objects.filter(tenant=tenant)._raw_delete(connection.alias)


def cleanup(tenant: Tenant) -> None:
    delete_bins(tenant)
    with tenant_context(tenant):
        Zone.history.model.objects.filter(tenant=tenant).delete()
        Zone.objects.filter(tenant=tenant).delete()
        Site.history.model.objects.filter(tenant=tenant).delete()
        Site.objects.filter(tenant=tenant).delete()
        ImportJob.objects.filter(tenant=tenant).delete()
        from erp.models import Membership

        Membership.history.model.objects.filter(tenant=tenant).delete()
        Membership.objects.filter(tenant=tenant).delete()
    Tenant.history.model.objects.filter(id=tenant.pk).delete()
    tenant.delete()


def main() -> None:
    text = make_csv(ROWS)
    tenant = Tenant.objects.create(slug=f"bench-{uuid.uuid4().hex[:8]}", name="Bench import")
    from erp.models import Membership

    user = UserFactory(email=f"{tenant.slug}@bench.invalid")
    try:
        with tenant_context(tenant):
            Membership.objects.create(tenant=tenant, user=user, role="admin")
            site = Site.objects.create(tenant=tenant, code="BEN", name="Bench")
            Zone.objects.create(tenant=tenant, site=site, code="PCK", name="Pick", zone_type="pick")
            Zone.objects.create(
                tenant=tenant, site=site, code="STO", name="Storage", zone_type="storage"
            )
            job = ImportJob.objects.create(
                tenant=tenant,
                kind="inventory.bins",
                created_by=user,
                filename="bench.csv",
                content=text,
            )

        started = time.perf_counter()
        with tenant_context(tenant):
            job = services.check_import(tenant=tenant, job=job)
        checked = time.perf_counter()
        assert job.status == "ready", job.message
        with tenant_context(tenant):
            services.start_import(tenant=tenant, user=user, job=job)
        with tenant_context(tenant):
            job = services.run_import(tenant=tenant, job=job)
        done = time.perf_counter()
        assert job.status == "done" and job.imported_count == ROWS, job.message
        with tenant_context(tenant):
            assert Bin.objects.filter(tenant=tenant).count() == ROWS

        # Reference: the same rows straight into the table with COPY (no checks, no history).
        delete_bins(tenant)
        with tenant_context(tenant):
            zones = dict(Zone.objects.filter(tenant=tenant).values_list("code", "pk"))
        raw_started = time.perf_counter()
        columns: list[list] = [[], [], [], [], [], [], []]
        for line in text.splitlines()[1:]:
            _, zone, code, kind, walk, vol, weight, units, _active = line.split(",")
            for column, value in zip(
                columns, (zones[zone], code, kind, int(walk), vol, weight, int(units)), strict=True
            ):
                column.append(value)
        # COPY is refused on tables with row-level security, so one INSERT over arrays.
        with transaction.atomic(), tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_bin (tenant_id, site_id, zone_id, code, bin_type, walk_sequence, "
                "capacity_volume, capacity_weight, capacity_units, is_active) "
                "SELECT %s, %s, z, c, k, w, v::numeric, g::numeric, u, true FROM "
                "unnest(%s::bigint[], %s::text[], %s::text[], %s::int[], %s::text[], %s::text[], %s::int[]) AS t(z, c, k, w, v, g, u)",
                [tenant.pk, site.pk, *columns],
            )
        raw = time.perf_counter() - raw_started

        total = done - started
        print(f"rows {ROWS}")
        print(f"check_seconds {checked - started:.2f}")
        print(
            f"import_seconds_without_check {done - checked:.2f}  (inserts bins and their history rows)"
        )
        print(
            f"reference_raw_insert_seconds {raw:.2f}  (one INSERT of the same rows over arrays: no checks, no history)"
        )
        print(f"ratio_to_raw_insert {total / raw:.1f}")
        print(f"rows_per_second {ROWS / total:.0f}")
        print(f"import_seconds {total:.2f}")
    finally:
        cleanup(tenant)
        user.delete()


if __name__ == "__main__":
    main()
