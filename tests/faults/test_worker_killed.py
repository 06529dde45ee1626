"""The Celery worker killed in the middle of a large import: the job shows interrupted,
nothing was written, and it completes when its owner resumes it (issue 9, finding 5)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from erp import jobs
from erp.imports import services
from erp.models import ImportJob
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Item
from tests.factories import member
from tests.faults.processes import wait_for

pytestmark = [pytest.mark.real_broker, pytest.mark.django_db(transaction=True)]

HEADER = (
    "sku,description,category,base_unit,divisible,tracking,shelf_life_days,expiry_required,"
    "abc_class,velocity_class,hazardous,costing_method,standard_cost,gtin,case_factor,case_gtin\n"
)
ROWS = 20_000


def _status(tenant, job) -> str:
    with tenant_context(tenant):
        return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _imported(tenant) -> int:
    with tenant_context(tenant):
        return Item.objects.filter(sku__startswith="KILL-").count()


def test_killed_worker_leaves_the_import_interrupted_and_resume_completes_it(
    tenant_a, client, workers
):
    planner = member(tenant_a, Role.PLANNER)
    text = HEADER + "".join(
        f"KILL-{n},Item {n},misc,each,no,none,,no,A,fast,no,fifo,1.50,,,\n" for n in range(ROWS)
    )
    first = workers.start()
    with tenant_context(tenant_a):
        job = services.create_import(
            tenant=tenant_a, user=planner, kind="inventory.items", filename="big.csv", text=text
        )
    wait_for(
        lambda: _status(tenant_a, job) == "ready",
        timeout=180,
        what="the upload to be checked",
        log=first.output,
    )
    with tenant_context(tenant_a):
        services.start_import(tenant=tenant_a, user=planner, job=ImportJob.objects.get(pk=job.pk))
    wait_for(
        lambda: jobs.running(jobs.IMPORT, job.pk),
        timeout=60,
        what="a worker to take the import up",
        log=first.output,
    )
    time.sleep(1)  # well into the import: it re-checks and writes 20,000 lines in one go
    assert _status(tenant_a, job) == "importing"
    first.kill()
    wait_for(
        lambda: not jobs.running(jobs.IMPORT, job.pk),
        timeout=120,
        what="PostgreSQL to end the dead worker's session",
    )

    client.force_login(planner)
    detail = reverse("inventory:item_import_detail", args=[job.pk])
    page = client.get(detail).content.decode()
    assert "Interrupted." in page and "Nothing was written." in page
    assert "Resume: run it again from the first line" in page
    assert _status(tenant_a, job) == "importing" and _imported(tenant_a) == 0

    resumed = client.post(reverse("inventory:item_import_resume", args=[job.pk]), follow=True)
    assert b"Queued again" in resumed.content
    second = workers.start()
    wait_for(
        lambda: _status(tenant_a, job) == "done",
        timeout=300,
        what="the resumed import to finish",
        log=second.output,
    )
    assert _imported(tenant_a) == ROWS
    page = client.get(detail).content.decode()
    assert f"Imported {ROWS} item(s)." in page and "Interrupted" not in page
