"""A return scrapped at disposition is in the write-off register as "Return scrapped", at the
value it took off the site, with its inspector as the one who asked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from returns.services import inspection
from tests.factories import member
from tests.inventory.pages import rows
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db


def test_a_scrapped_return_is_in_the_register(client, tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("damaged", 2),))
    (row,) = r.inspections(rma)
    with tenant_context(tenant_a):
        inspection.dispose(tenant=tenant_a, user=r.operator, inspection=row, disposition="scrap")
    client.force_login(member(tenant_a, Role.FINANCE))
    response = client.get(reverse("finance:write_off_register"))
    [found] = rows(response)
    # Two units of coffee at 1.00 leave the site for scrap.
    assert (found["reason"], found["quantity"], found["value"]) == (
        "return_scrap",
        Decimal(-2),
        Decimal("-2.00"),
    )
    assert (found["requested_by"], found["approved_by"]) == (r.operator.email, None)
    assert "Return scrapped" in response.content.decode()
