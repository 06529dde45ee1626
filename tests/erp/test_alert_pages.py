"""The alert pages: a member's inbox shows the alerts for their role, acknowledge and resolve
are POSTs with a note, the top bar's count reads without writing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.alerts.models import Alert, AlertSettings, AlertSubscription
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import AlertFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_client(client, tenant_a):
    user = member(tenant_a, Role.SUPERVISOR)
    client.force_login(user)
    client.user = user
    return client


def test_the_inbox_lists_the_alerts_for_the_members_role_only(supervisor_client, tenant_a):
    mine = AlertFactory(tenant=tenant_a, roles=["supervisor"], message="Face P-01 is empty")
    AlertFactory(tenant=tenant_a, roles=["finance"], message="Not for supervisors")
    response = supervisor_client.get(reverse("alerts:inbox"))
    assert response.status_code == 200
    assert b"Face P-01 is empty" in response.content
    assert b"Not for supervisors" not in response.content
    assert reverse("alerts:detail", args=[mine.pk]).encode() in response.content


def test_an_alert_for_another_role_answers_404(supervisor_client, tenant_a):
    other = AlertFactory(tenant=tenant_a, roles=["finance"])
    assert supervisor_client.get(reverse("alerts:detail", args=[other.pk])).status_code == 404


def test_the_detail_page_shows_the_alert_its_actions_and_history(supervisor_client, tenant_a):
    alert = AlertFactory(tenant=tenant_a, message="PO-1 is 3 days late")
    response = supervisor_client.get(reverse("alerts:detail", args=[alert.pk]))
    assert response.status_code == 200
    for text in (b"PO-1 is 3 days late", b"Acknowledge", b"Resolve", b"History"):
        assert text in response.content


def test_the_count_shows_open_unacknowledged_alerts_and_writes_nothing(supervisor_client, tenant_a):
    AlertFactory(tenant=tenant_a)
    AlertFactory(tenant=tenant_a)
    AlertFactory(tenant=tenant_a, status="acknowledged")
    AlertFactory(tenant=tenant_a, roles=["planner"])
    response = supervisor_client.get(reverse("alerts:count"))
    assert response.status_code == 200
    assert b'data-count="2"' in response.content
    assert b'hx-trigger="every 30s"' in response.content
    with tenant_context(tenant_a):
        assert Alert.objects.filter(status="open").count() == 3


def test_the_count_refuses_post(supervisor_client):
    assert supervisor_client.post(reverse("alerts:count")).status_code == 405


def test_every_page_loads_the_count_in_the_top_bar(supervisor_client):
    response = supervisor_client.get(reverse("home"))
    assert f'hx-get="{reverse("alerts:count")}"'.encode() in response.content


def test_acknowledge_and_resolve_from_the_pages(supervisor_client, tenant_a):
    alert = AlertFactory(tenant=tenant_a)
    response = supervisor_client.post(
        reverse("alerts:acknowledge", args=[alert.pk]), {"note": "Looking"}
    )
    assert response.status_code == 302
    response = supervisor_client.post(
        reverse("alerts:resolve", args=[alert.pk]), {"note": "Bin refilled"}
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        alert.refresh_from_db()
    assert (alert.status, alert.note, alert.resolved_by) == (
        "resolved",
        "Bin refilled",
        supervisor_client.user,
    )


def test_resolving_without_a_note_says_so_and_changes_nothing(supervisor_client, tenant_a):
    alert = AlertFactory(tenant=tenant_a)
    response = supervisor_client.post(
        reverse("alerts:resolve", args=[alert.pk]), {"note": ""}, follow=True
    )
    assert b"a note is required" in response.content
    with tenant_context(tenant_a):
        alert.refresh_from_db()
    assert alert.status == "open"


def test_subscriptions_are_saved_for_the_member(supervisor_client, tenant_a):
    response = supervisor_client.get(reverse("alerts:subscriptions"))
    assert response.status_code == 200
    assert b"Overdue receipts" in response.content
    supervisor_client.post(
        reverse("alerts:subscriptions"),
        {"kind": ["purchasing.overdue_receipt", "warehouse.short_pick", "no.such"]},
    )
    with tenant_context(tenant_a):
        kinds = sorted(
            AlertSubscription.objects.filter(user=supervisor_client.user).values_list(
                "kind", flat=True
            )
        )
    assert kinds == ["purchasing.overdue_receipt", "warehouse.short_pick"]


def test_the_admin_sets_the_lot_expiry_window_within_bounds(admin_client, tenant_a):
    url = reverse("alerts:settings")
    assert admin_client.get(url).status_code == 200
    good = {"lot_expiry_days": "14", "backorder_age_days": "5", "replenishment_due_hours": "4"}
    for field, junk in [
        ("lot_expiry_days", "400"),
        ("backorder_age_days", "0"),
        ("backorder_age_days", "91"),
        ("replenishment_due_hours", "73"),
        ("replenishment_due_hours", "2h"),
    ]:
        refused = admin_client.post(url, {**good, field: junk})
        assert refused.status_code == 422, (field, junk)
        assert b'class="error"' in refused.content
    with tenant_context(tenant_a):
        assert not AlertSettings.objects.exists()
    assert admin_client.post(url, good).status_code == 302
    with tenant_context(tenant_a):
        saved = AlertSettings.objects.get()
    assert (saved.lot_expiry_days, saved.backorder_age_days, saved.replenishment_due_hours) == (
        14,
        5,
        4,
    )
