"""A released transfer's pick is TRANSFER work in the source site's queue: starting it opens
the transfer pick page, the last pick finishes it, and cancelling it from the queue cancels
the transfer and gives its reserved stock back."""

from __future__ import annotations

import pytest

from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean, reserved
from tests.warehouse.transfer_sites import Sites
from warehouse.models import TransferStatus, WorkKind, WorkTask
from warehouse.workqueue import kinds
from warehouse.workqueue import services as work

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(tenant_a):
    return Sites(tenant_a)


def _task(sites, transfer):
    with tenant_context(sites.tenant):
        return WorkTask.objects.get(kind=WorkKind.TRANSFER, reference=transfer.pk)


def test_starting_the_work_opens_the_transfer_pick_page(sites):
    transfer = sites.released()
    with tenant_context(sites.tenant):
        task = work.start(tenant=sites.tenant, user=sites.operator, task=_task(sites, transfer))
    assert (task.status, task.assignee_id) == ("started", sites.operator.pk)
    assert kinds.of(task.kind).url(task.reference) == f"/scan/transfers/{transfer.pk}/pick/"


def test_cancelling_the_work_cancels_the_transfer_and_releases_its_stock(sites):
    transfer = sites.released()
    with tenant_context(sites.tenant):
        work.cancel(
            tenant=sites.tenant, user=sites.supervisor, task=_task(sites, transfer),
            reason="ATL no longer needs it",
        )  # fmt: skip
    assert sites.fresh(transfer).status == TransferStatus.CANCELLED
    assert _task(sites, transfer).status == "cancelled"
    assert reserved(sites.tenant, sites.item, sites.r1) == 0
    assert_ledger_clean(sites.tenant)
