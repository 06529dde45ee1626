"""A long job whose worker died is shown as interrupted and its owner resumes it (issue 9,
finding 5: the job stayed "Importing" for good and could not be started again).

A worker is played by a second database session holding the job's lock: closing that
session is what a killed worker's does. tests/faults kills a real worker process."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from erp import jobs
from erp.errors import ImportNotInterrupted, ImportNotYours, ImportStillRunning
from erp.imports import services
from erp.imports.tasks import check_import_task, run_import_task
from erp.models import ImportJob
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Item
from tests.factories import member

pytestmark = pytest.mark.django_db

HEADER = (
    "sku,description,category,base_unit,divisible,tracking,shelf_life_days,expiry_required,"
    "abc_class,velocity_class,hazardous,costing_method,standard_cost,gtin,case_factor,case_gtin\n"
)
LINES = "".join(
    f"RES-{n},Line {n},misc,each,no,none,,no,A,fast,no,fifo,1.50,,,\n" for n in range(5)
)
DETAIL = "inventory:item_import_detail"
RESUME = "inventory:item_import_resume"


class Worker:
    """A session that holds a job's lock as a worker does while it checks or imports."""

    def __init__(self, job_id: int):
        self.conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        self.conn.execute("SELECT pg_advisory_lock(%s)", [jobs._key(jobs.IMPORT, job_id)])

    def dies(self) -> None:
        self.conn.close()


@pytest.fixture
def planner(tenant_a):
    return member(tenant_a, Role.PLANNER)


def _importing(tenant, user) -> ImportJob:
    """A checked upload whose import was started and taken up by a worker."""
    with tenant_context(tenant):
        job = services.create_import(
            tenant=tenant, user=user, kind="inventory.items", filename="i.csv", text=HEADER + LINES
        )
    check_import_task(tenant.pk, job.pk)
    with tenant_context(tenant):
        job = services.start_import(tenant=tenant, user=user, job=ImportJob.objects.get(pk=job.pk))
        services.take(tenant=tenant, job_id=job.pk, worker="worker-1")
        job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_shows_interrupted_and_its_owner_resumes_it(
    tenant_a, planner, client, sent_tasks
):
    job = _importing(tenant_a, planner)
    worker = Worker(job.pk)
    client.force_login(planner)
    page = client.get(reverse(DETAIL, args=[job.pk])).content.decode()
    assert "Importing" in page and "Interrupted" not in page and "Resume" not in page
    with tenant_context(tenant_a), pytest.raises(ImportStillRunning):
        services.resume_import(tenant=tenant_a, user=planner, job=job)
    worker.dies()
    page = client.get(reverse(DETAIL, args=[job.pk])).content.decode()
    assert "Interrupted." in page and "worker-1" in page and "Nothing was written." in page
    assert "Resume: run it again from the first line" in page
    assert 'hx-trigger="every 1s"' not in page  # nothing will change until someone acts
    sent_tasks.clear()
    resumed = client.post(reverse(RESUME, args=[job.pk]), follow=True).content.decode()
    assert "Queued again. Nothing had been written" in resumed
    assert sent_tasks == [] or sent_tasks[-1][0] == run_import_task.name
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "importing" and job.taken_at is None
        assert not Item.objects.filter(sku__startswith="RES-").exists()
    run_import_task(tenant_a.pk, job.pk)  # what the worker does with the queued message
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert (job.status, job.imported_count) == ("done", 5)
        assert Item.objects.filter(sku__startswith="RES-").count() == 5
    again = client.post(reverse(RESUME, args=[job.pk]), follow=True).content.decode()
    assert "This import is imported; only an interrupted import can be resumed." in again


def test_only_the_uploader_or_an_admin_resumes(tenant_a, planner, admin_a):
    job = _importing(tenant_a, planner)
    other = member(tenant_a, Role.PLANNER)
    with tenant_context(tenant_a):
        with pytest.raises(ImportNotYours):
            services.resume_import(tenant=tenant_a, user=other, job=job)
        services.resume_import(tenant=tenant_a, user=admin_a, job=job)


def test_a_redelivered_task_leaves_a_running_job_to_its_worker(tenant_a, planner):
    job = _importing(tenant_a, planner)
    worker = Worker(job.pk)
    run_import_task(tenant_a.pk, job.pk)  # the same message, delivered to a second worker
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert job.status == "importing" and job.taken_by == "worker-1"
    worker.dies()


def test_a_job_nobody_took_up_waits_and_may_be_queued_again_after_a_while(
    tenant_a, planner, client
):
    with tenant_context(tenant_a):
        job = services.create_import(
            tenant=tenant_a, user=planner, kind="inventory.items", filename="i.csv", text=HEADER
        )
    client.force_login(planner)
    page = client.get(reverse(DETAIL, args=[job.pk])).content.decode()
    assert "Waiting for a worker to take it up" in page and "Queue it again" not in page
    with tenant_context(tenant_a), pytest.raises(ImportNotInterrupted):
        services.resume_import(tenant=tenant_a, user=planner, job=job)
    with tenant_context(tenant_a):
        ImportJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=5)
        )
    page = client.get(reverse(DETAIL, args=[job.pk])).content.decode()
    assert "none has for a while" in page and "Queue it again" in page
    assert client.post(reverse(RESUME, args=[job.pk])).status_code == 302
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert job.status == "invalid"  # a header without lines: checked, and said so


def test_another_tenant_cannot_resume_the_job(tenant_a, tenant_b, planner, client):
    job = _importing(tenant_a, planner)
    client.force_login(member(tenant_b, Role.ADMIN))
    assert client.post(reverse(RESUME, args=[job.pk])).status_code == 404
