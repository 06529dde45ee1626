"""Alerts raised by rule runs: one per subject while its cause lasts, closed by themselves
when it is gone, acknowledged and resolved (with a note) by the roles they are routed to."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from erp.alerts import registry, services
from erp.alerts.models import Alert, AlertStatus, AlertSubscription
from erp.alerts.registry import Finding
from erp.errors import AlertNoteRequired, AlertNotForRole, InvalidTransition
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import AlertFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

KIND = "test.kind"
SUPERVISORS = frozenset({Role.SUPERVISOR})
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def finding(subject: str, message: str = "") -> Finding:
    return Finding(subject, message or f"{subject} is wrong", "/x/", SUPERVISORS)


def sync(tenant, *subjects, now=NOW):
    with tenant_context(tenant):
        return services.sync(
            tenant=tenant, kind=KIND, findings=[finding(s) for s in subjects], now=now
        )


def alerts(tenant):
    with tenant_context(tenant):
        return {a.subject: a for a in Alert.objects.filter(tenant=tenant, kind=KIND)}


def test_a_rule_run_opens_one_alert_per_subject(tenant_a):
    result = sync(tenant_a, "po:1", "po:2")
    found = alerts(tenant_a)
    assert sorted(found) == ["po:1", "po:2"]
    assert [a.status for a in found.values()] == ["open", "open"]
    assert found["po:1"].roles == ["supervisor"]
    assert found["po:1"].message == "po:1 is wrong"
    assert len(result.opened) == 2


def test_a_second_run_finding_the_same_subjects_opens_nothing_more(tenant_a):
    sync(tenant_a, "po:1", "po:2")
    again = sync(tenant_a, "po:1", "po:2", now=NOW + datetime.timedelta(minutes=3))
    assert again.opened == [] and again.closed == []
    assert len(alerts(tenant_a)) == 2


def test_an_alert_closes_itself_when_its_subject_is_no_longer_found(tenant_a):
    sync(tenant_a, "po:1", "po:2")
    later = NOW + datetime.timedelta(minutes=3)
    result = sync(tenant_a, "po:2", now=later)
    found = alerts(tenant_a)
    assert found["po:1"].status == "closed"
    assert found["po:1"].cause_gone_at == later
    assert found["po:2"].status == "open"
    assert [a.subject for a in result.closed] == ["po:1"]
    with tenant_context(tenant_a):
        reasons = list(
            found["po:1"]
            .history.order_by("history_id")
            .values_list("history_change_reason", flat=True)
        )
    assert reasons == ["raised", "closed itself: cause gone"]


def test_a_cause_that_comes_back_raises_a_new_alert(tenant_a):
    sync(tenant_a, "po:1")
    sync(tenant_a, now=NOW + datetime.timedelta(minutes=3))
    sync(tenant_a, "po:1", now=NOW + datetime.timedelta(minutes=6))
    with tenant_context(tenant_a):
        statuses = sorted(Alert.objects.filter(subject="po:1").values_list("status", flat=True))
    assert statuses == ["closed", "open"]


def test_a_resolved_alert_is_not_raised_again_while_its_cause_lasts(tenant_a):
    sync(tenant_a, "po:1")
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        services.resolve(
            tenant=tenant_a, user=supervisor, alert=alerts(tenant_a)["po:1"], note="Chased"
        )
    again = sync(tenant_a, "po:1", now=NOW + datetime.timedelta(minutes=3))
    assert again.opened == []
    # Once the cause is gone the resolved alert keeps its status but no longer blocks a new one.
    sync(tenant_a, now=NOW + datetime.timedelta(minutes=6))
    assert alerts(tenant_a)["po:1"].status == "resolved"
    assert alerts(tenant_a)["po:1"].cause_gone_at is not None


def test_the_database_refuses_a_second_alert_for_a_subject_while_its_cause_lasts(tenant_a):
    from django.db import IntegrityError

    AlertFactory(tenant=tenant_a, kind=KIND, subject="po:1")
    with pytest.raises(IntegrityError), tenant_context(tenant_a):
        AlertFactory(tenant=tenant_a, kind=KIND, subject="po:1")


def test_acknowledge_records_who_and_keeps_the_alert_open_for_resolving(tenant_a):
    alert = AlertFactory(tenant=tenant_a)
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        services.acknowledge(tenant=tenant_a, user=supervisor, alert=alert, note="On it")
        alert.refresh_from_db()
        assert alert.status == "acknowledged"
        assert alert.acknowledged_by == supervisor
        assert alert.note == "On it"
        assert alert.history.latest().history_change_reason == "acknowledge: On it"
        with pytest.raises(InvalidTransition):
            services.acknowledge(tenant=tenant_a, user=supervisor, alert=alert)


def test_resolve_needs_a_note_and_records_it(tenant_a):
    alert = AlertFactory(tenant=tenant_a)
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        with pytest.raises(AlertNoteRequired):
            services.resolve(tenant=tenant_a, user=supervisor, alert=alert, note="  ")
        services.resolve(tenant=tenant_a, user=supervisor, alert=alert, note="Bin recounted")
        alert.refresh_from_db()
    assert (alert.status, alert.note, alert.resolved_by) == (
        "resolved",
        "Bin recounted",
        supervisor,
    )


def test_a_role_the_alert_is_not_routed_to_cannot_act_on_it(tenant_a):
    alert = AlertFactory(tenant=tenant_a, roles=["supervisor"])
    operator = member(tenant_a, Role.OPERATOR)
    with tenant_context(tenant_a), pytest.raises(AlertNotForRole):
        services.resolve(tenant=tenant_a, user=operator, alert=alert, note="x")


def test_a_closed_alert_cannot_be_resolved(tenant_a):
    sync(tenant_a, "po:1")
    sync(tenant_a, now=NOW + datetime.timedelta(minutes=3))
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a), pytest.raises(InvalidTransition):
        services.resolve(
            tenant=tenant_a, user=supervisor, alert=alerts(tenant_a)["po:1"], note="late"
        )


def test_a_rule_run_leaves_another_tenants_alerts_alone(tenant_a, tenant_b):
    sync(tenant_a, "po:1")
    sync(tenant_b, "po:1")
    sync(tenant_a, now=NOW + datetime.timedelta(minutes=3))
    assert alerts(tenant_b)["po:1"].status == "open"
    assert alerts(tenant_a)["po:1"].status == "closed"


def test_new_alerts_are_queued_for_subscribers_through_the_outbox(
    tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        AlertSubscription.objects.create(tenant=tenant_a, user=supervisor, kind=KIND)
    with django_capture_on_commit_callbacks(execute=True):
        sync(tenant_a, "po:1")
    opened = alerts(tenant_a)["po:1"]
    assert sent_tasks == [("erp.alerts.tasks.notify_subscribers_task", [tenant_a.pk, [opened.pk]])]


def test_no_subscribers_queue_nothing(tenant_a, sent_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sync(tenant_a, "po:1")
    assert sent_tasks == []


def test_run_rules_runs_every_registered_rule(tenant_a, monkeypatch):
    calls = []

    def find(*, tenant, now):
        calls.append(tenant.pk)
        return [finding("face:7")]

    monkeypatch.setattr(registry, "_rules", {"t.x": registry.Rule("t.x", "X", find)})
    with tenant_context(tenant_a):
        result = services.run_rules(tenant=tenant_a, now=NOW)
        assert list(Alert.objects.values_list("kind", "subject")) == [("t.x", "face:7")]
    assert calls == [tenant_a.pk]
    assert len(result["t.x"].opened) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_raise_one_alert_per_subject():
    tenant = TenantFactory(slug="concurrent-alerts")
    barrier = threading.Barrier(2)
    errors = []

    def run(minute):
        try:
            barrier.wait()
            sync(tenant, "po:1", "po:2", now=NOW + datetime.timedelta(minutes=minute))
        except Exception as exc:  # the test reports it below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(m,)) for m in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with tenant_context(tenant):
        assert sorted(Alert.objects.values_list("subject", flat=True)) == ["po:1", "po:2"]
        assert AlertStatus.OPEN in set(Alert.objects.values_list("status", flat=True))
