"""The admin sets the count tolerances and plan frequencies; the defaults hold until then."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from warehouse.counting import selectors
from warehouse.models import CountSettings

pytestmark = pytest.mark.django_db


def test_defaults_until_the_admin_saves_tolerances(client, tenant_a):
    with tenant_context(tenant_a):
        defaults = selectors.settings_for(tenant_a)
    assert (defaults.quantity_tolerance, defaults.value_tolerance) == (0, Decimal("50.00"))
    assert (defaults.a_per_year, defaults.b_per_year, defaults.c_per_year) == (12, 4, 1)
    client.force_login(member(tenant_a, Role.ADMIN))
    url = reverse("warehouse:count_settings")
    form = {
        "quantity_tolerance": "2", "value_tolerance": "75", "plan_enabled": "on",
        "a_per_year": "24", "b_per_year": "6", "c_per_year": "2",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    bad = client.post(url, {**form, "a_per_year": "500", "value_tolerance": "-1"})
    assert bad.status_code == 422 and "At most once a day" in bad.content.decode()
    with tenant_context(tenant_a):
        saved = CountSettings.objects.get()
    assert (saved.quantity_tolerance, saved.value_tolerance, saved.a_per_year) == (2, 75, 24)


def test_a_supervisor_cannot_change_the_tolerances(client, tenant_a):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    response = client.post(reverse("warehouse:count_settings"), {"quantity_tolerance": "99"})
    assert response.status_code == 403
