"""Items CSV import: 50,000 items, each with a GTIN and a case unit with its own GTIN, checked
and imported through the import framework's services (the code the Celery tasks run).

    .venv/bin/python bench/import_items.py [rows]

The last line is the headline: `import_seconds <seconds for check + import of all rows>`.
"""

from __future__ import annotations

import sys
import time
import uuid

from _setup import django_setup

django_setup()

from biip.checksums import gs1_standard_check_digit  # noqa: E402
from django.db import connection  # noqa: E402

from erp.imports import services  # noqa: E402
from erp.models import ImportJob, Membership, Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory.models import Item, ItemUnit  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
HEADER = "sku,description,category,base_unit,tracking,abc_class,costing_method,standard_cost,gtin,case_factor,case_gtin"


def gtin13(n: int, level: int) -> str:
    body = f"95{level}{n:09d}"
    return body + str(gs1_standard_check_digit(body))


def make_csv(rows: int) -> str:
    lines = [HEADER]
    for n in range(rows):
        tracking = "lot" if n % 4 == 0 else "none"
        lines.append(
            f"BENCH-{n:06},Bench item {n},cat{n % 40},each,{tracking},{'ABC'[n % 3]},fifo,"
            f"{1 + n % 97}.25,{gtin13(n, 1)},{6 * (1 + n % 4)},{gtin13(n, 2)}"
        )
    return "\n".join(lines) + "\n"


def cleanup(tenant: Tenant) -> None:
    # _raw_delete: no per-row signals (which would write a history row per deleted row).
    with tenant_context(tenant):
        for model in (ItemUnit.history.model, ItemUnit, Item.history.model, Item):
            model.objects.filter(tenant=tenant)._raw_delete(connection.alias)
        ImportJob.objects.filter(tenant=tenant).delete()
        Membership.history.model.objects.filter(tenant=tenant).delete()
        Membership.objects.filter(tenant=tenant).delete()
    Tenant.history.model.objects.filter(id=tenant.pk).delete()
    tenant.delete()


def main() -> None:
    text = make_csv(ROWS)
    tenant = Tenant.objects.create(slug=f"bench-{uuid.uuid4().hex[:8]}", name="Bench items")
    user = UserFactory(email=f"{tenant.slug}@bench.invalid")
    try:
        with tenant_context(tenant):
            Membership.objects.create(tenant=tenant, user=user, role="planner")
            job = ImportJob.objects.create(
                tenant=tenant,
                kind="inventory.items",
                created_by=user,
                filename="bench.csv",
                content=text,
            )
        started = time.perf_counter()
        with tenant_context(tenant):
            job = services.check_import(tenant=tenant, job=job)
        checked = time.perf_counter()
        assert job.status == "ready", (job.message, job.errors[:3])
        with tenant_context(tenant):
            services.start_import(tenant=tenant, user=user, job=job)
        with tenant_context(tenant):
            job = services.run_import(tenant=tenant, job=job)
        done = time.perf_counter()
        assert job.status == "done" and job.imported_count == ROWS, job.message
        with tenant_context(tenant):
            assert ItemUnit.objects.filter(tenant=tenant).count() == 2 * ROWS
        total = done - started
        print(f"rows {ROWS}")
        print(f"check_seconds {checked - started:.2f}")
        print(
            f"import_seconds_without_check {done - checked:.2f}  (checks again, then inserts "
            "items, two units each, and their history rows)"
        )
        print(f"rows_per_second {ROWS / total:.0f}")
        print(f"import_seconds {total:.2f}")
    finally:
        cleanup(tenant)
        user.delete()


if __name__ == "__main__":
    main()
