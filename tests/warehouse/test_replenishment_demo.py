"""The replenishment demo: a min/max on the stocked demo pick faces, some at their min and
given a task from reserve; loading it again changes nothing."""

from __future__ import annotations

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import demo as inventory_demo
from inventory import demo_stock
from tests.factories import TenantFactory, member
from tests.inventory.stock import assert_ledger_clean
from warehouse import demo
from warehouse.models import PickFace, Replenishment, WorkTask

pytestmark = pytest.mark.django_db


def test_demo_faces_get_min_max_and_some_a_replenishment_once():
    tenant = TenantFactory(slug="northwind", name="Northwind Distribution")
    member(tenant, Role.ADMIN)
    with tenant_context(tenant):
        inventory_demo.load(tenant)
        demo_stock.load(tenant)
        demo.load_replenishment(tenant)
        faces = PickFace.objects.count()
        tasks = list(Replenishment.objects.values_list("face_id", "quantity"))
        demo.load_replenishment(tenant)
        assert PickFace.objects.count() == faces
        assert list(Replenishment.objects.values_list("face_id", "quantity")) == tasks
        assert WorkTask.objects.filter(kind="replenish").count() == len(tasks)
    assert faces >= 2
    assert 1 <= len(tasks) < faces  # some faces are at their min, the others above it
    assert_ledger_clean(tenant)
