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
    assert (defaults.variance_days, defaults.high_value_multiple) == (90, 5)
    client.force_login(member(tenant_a, Role.ADMIN))
    url = reverse("warehouse:count_settings")
    form = {
        "quantity_tolerance": "2", "value_tolerance": "75", "plan_enabled": "on",
        "a_per_year": "24", "b_per_year": "6", "c_per_year": "2", "variance_days": "60",
        "high_value_multiple": "10",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    bad = client.post(url, {**form, "a_per_year": "500", "value_tolerance": "-1"})
    assert bad.status_code == 422 and "At most once a day" in bad.content.decode()
    with tenant_context(tenant_a):
        saved = CountSettings.objects.get()
    assert (saved.quantity_tolerance, saved.value_tolerance, saved.a_per_year) == (2, 75, 24)
    assert (saved.variance_days, saved.high_value_multiple) == (60, 10)


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("variance_days", "6", "Between 7 and 730 days."),
        ("variance_days", "731", "Between 7 and 730 days."),
        ("variance_days", "ninety", "Enter a whole number."),
        ("variance_days", "", "This field is required."),
        ("high_value_multiple", "1", "Between 2 and 100 times the mean."),
        ("high_value_multiple", "101", "Between 2 and 100 times the mean."),
        ("high_value_multiple", "-5", "Between 2 and 100 times the mean."),
        ("high_value_multiple", "2.5", "Enter a whole number."),
    ],
)
def test_the_risk_thresholds_are_bounded(client, tenant_a, field, value, error):
    client.force_login(member(tenant_a, Role.ADMIN))
    form = {
        "quantity_tolerance": "0", "value_tolerance": "50", "plan_enabled": "on",
        "a_per_year": "12", "b_per_year": "4", "c_per_year": "1", "variance_days": "90",
        "high_value_multiple": "5", field: value,
    }  # fmt: skip
    response = client.post(reverse("warehouse:count_settings"), form)
    page = response.content.decode()
    assert response.status_code == 422 and error in page
    # The rule above the form still states the saved figures, not the refused one.
    assert "in the last 90 days" in page and "at least 5 times the site" in page
    with tenant_context(tenant_a):
        assert not CountSettings.objects.exists()


def test_a_supervisor_cannot_change_the_tolerances(client, tenant_a):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    response = client.post(reverse("warehouse:count_settings"), {"quantity_tolerance": "99"})
    assert response.status_code == 403
