"""The returns demo: an RMA in each status against a shipped order, a credit awaiting
finance, the ledger clean; loading it again adds nothing."""

from __future__ import annotations

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from returns import demo
from returns.models import Credit, ReturnAuthorisation, RmaStatus
from tests.factories import member
from tests.inventory.stock import assert_ledger_clean
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_an_rma_in_each_status_once(tenant_a):
    Returns(tenant_a)  # 6 coffee and 4 cups shipped: ten units to take back
    member(tenant_a, Role.ADMIN)
    with tenant_context(tenant_a):
        made = demo.load(tenant_a)
        assert demo.load(tenant_a) == []
        statuses = sorted(ReturnAuthorisation.objects.values_list("status", flat=True))
        credits = sorted(Credit.objects.values_list("rma__status", "status"))
    assert len(made) == 9
    assert statuses == sorted(RmaStatus.values)
    assert credits == [
        ("closed", "approved"), ("credited", "approved"), ("dispositioned", "pending")
    ]  # fmt: skip
    assert_ledger_clean(tenant_a)
