"""Alert state changes: rule runs open and close alerts; members acknowledge and resolve them."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from erp import formats, outbox
from erp.alerts import registry
from erp.alerts.models import Alert, AlertSettings, AlertSubscription
from erp.alerts.registry import Finding
from erp.alerts.states import alert_machine
from erp.errors import AlertNoteRequired, AlertNotForRole, DomainError
from erp.models import Tenant, User
from erp.roles import Role, membership_for, require_role

log = logging.getLogger(__name__)

NOTIFY_TASK = "erp.alerts.tasks.notify_subscribers_task"
RAISED = "raised"


@dataclass
class Synced:
    opened: list[Alert] = field(default_factory=list)
    closed: list[Alert] = field(default_factory=list)


def _open(*, tenant: Tenant, kind: str, findings: dict[str, Finding], now) -> list[Alert]:
    """Insert an alert for each finding whose subject has none while its cause lasts; returns
    the ones this call made. A concurrent run's insert of the same subject wins the partial
    unique index and this one skips it (ON CONFLICT DO NOTHING), so nobody raises it twice."""
    live = Alert.objects.filter(tenant=tenant, kind=kind, cause_gone_at__isnull=True)
    known = set(live.filter(subject__in=list(findings)).values_list("subject", flat=True))
    new = [
        Alert(
            tenant=tenant,
            kind=kind,
            subject=subject,
            message=finding.message[:300],
            link=finding.link[:300],
            roles=sorted(str(r) for r in finding.roles),
            raised_at=now,
        )
        for subject, finding in findings.items()
        if subject not in known
    ]
    if not new:
        return []
    Alert.objects.bulk_create(new, ignore_conflicts=True)
    # raised_at = this call's moment tells its own rows from a concurrent run's.
    opened = list(live.filter(subject__in=[a.subject for a in new], raised_at=now))
    Alert.history.bulk_history_create(opened, default_change_reason=RAISED, default_date=now)
    if opened and AlertSubscription.objects.filter(tenant=tenant, kind=kind).exists():
        outbox.enqueue(NOTIFY_TASK, tenant.pk, [a.pk for a in opened])
    return opened


@transaction.atomic
def sync(
    *, tenant: Tenant, kind: str, findings: Iterable[Finding], now: datetime.datetime | None = None
) -> Synced:
    """Make `kind`'s alerts match what its rule finds now: one alert per current subject
    (deduplicated, see `_open`), and every alert whose subject is no longer found has its cause
    gone: open and acknowledged ones close themselves ("closed itself: cause gone" in their
    history), resolved ones stay resolved. Three queries plus the writes, whatever the count.
    Alerts another run is closing are skipped (SKIP LOCKED), never waited for."""
    now = now or timezone.now()
    current = {finding.subject: finding for finding in findings}
    opened = _open(tenant=tenant, kind=kind, findings=current, now=now)
    gone = list(
        Alert.objects.select_for_update(skip_locked=True)
        .filter(tenant=tenant, kind=kind, cause_gone_at__isnull=True)
        .exclude(subject__in=list(current))
    )
    closed = []
    for alert in gone:
        alert.cause_gone_at = now
        if alert.is_active:
            alert_machine.move(alert, "close", tenant=tenant, user=None)
            closed.append(alert)
        else:
            alert._change_reason = "cause gone"
    if gone:
        Alert.objects.bulk_update(gone, ["status", "cause_gone_at"])
        Alert.history.bulk_history_create(gone, update=True, default_date=now)
    return Synced(opened=opened, closed=closed)


def raise_alert(*, tenant: Tenant, kind: str, finding: Finding) -> Alert | None:
    """Open an alert for one subject at once, from an event (a short pick) rather than a rule
    run; None when the subject already has one. The next rule run closes it when its cause
    is gone, as for any other."""
    opened = _open(
        tenant=tenant, kind=kind, findings={finding.subject: finding}, now=timezone.now()
    )
    return opened[0] if opened else None


def run_rules(
    *, tenant: Tenant, kinds: Iterable[str] | None = None, now: datetime.datetime | None = None
) -> dict[str, Synced]:
    """Run every registered rule (or those of `kinds`) for `tenant`, each in its own savepoint
    so that one failing rule leaves the others' alerts right."""
    now = now or timezone.now()
    chosen = registry.rules() if kinds is None else [registry.rule_for(k) for k in kinds]
    results = {}
    for rule in chosen:
        if rule is None:
            continue
        try:
            # Messages carry dates as the tenant writes them, whoever reads the inbox.
            with transaction.atomic(), formats.tenant_formats(tenant):
                findings = list(rule.find(tenant=tenant, now=now))
                results[rule.kind] = sync(tenant=tenant, kind=rule.kind, findings=findings, now=now)
        except DomainError as exc:
            log.warning("alert rule %s for tenant %s: %s", rule.kind, tenant.pk, exc)
    return results


def _check_routed(*, tenant: Tenant, user: User, alert: Alert) -> None:
    membership = membership_for(tenant=tenant, user=user)
    if membership is None or membership.role not in alert.roles:
        raise AlertNotForRole(roles=", ".join(str(Role(r).label) for r in alert.roles))


def _locked(*, tenant: Tenant, alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(tenant=tenant, pk=alert.pk)


@transaction.atomic
def acknowledge(*, tenant: Tenant, user: User, alert: Alert, note: str = "") -> Alert:
    """Someone routed the alert is on it. Raises AlertNotForRole or InvalidTransition (already
    acknowledged, resolved or closed)."""
    alert = _locked(tenant=tenant, alert=alert)
    _check_routed(tenant=tenant, user=user, alert=alert)
    alert_machine.move(alert, "acknowledge", tenant=tenant, user=user, reason=note)
    alert.acknowledged_by, alert.acknowledged_at = user, timezone.now()
    if note.strip():
        alert.note = note.strip()[:500]
    alert.save()
    return alert


@transaction.atomic
def resolve(*, tenant: Tenant, user: User, alert: Alert, note: str) -> Alert:
    """Close the alert by hand, saying how it was dealt with. Raises AlertNoteRequired without
    a note, AlertNotForRole, or InvalidTransition (already resolved or closed)."""
    if not note.strip():
        raise AlertNoteRequired()
    alert = _locked(tenant=tenant, alert=alert)
    _check_routed(tenant=tenant, user=user, alert=alert)
    alert_machine.move(alert, "resolve", tenant=tenant, user=user, reason=note)
    alert.resolved_by, alert.resolved_at = user, timezone.now()
    alert.note = note.strip()[:500]
    alert.save()
    return alert


@transaction.atomic
def set_subscriptions(*, tenant: Tenant, user: User, kinds: Iterable[str]) -> set[str]:
    """The member's e-mailed kinds become exactly `kinds` (unknown kinds are ignored)."""
    wanted = {kind for kind in kinds if registry.rule_for(kind) is not None}
    mine = AlertSubscription.objects.filter(tenant=tenant, user=user)
    mine.exclude(kind__in=wanted).delete()
    AlertSubscription.objects.bulk_create(
        [AlertSubscription(tenant=tenant, user=user, kind=kind) for kind in sorted(wanted)],
        ignore_conflicts=True,
    )
    return wanted


def save_settings(*, tenant: Tenant, user: User, settings: AlertSettings) -> AlertSettings:
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    settings.tenant = tenant
    settings._history_user = user
    settings.full_clean(exclude=["tenant"])
    settings.save()
    return settings


def claim_for_email(*, tenant: Tenant, alert_ids: list[int]) -> list[tuple[Alert, list[str]]]:
    """The alerts among `alert_ids` not e-mailed yet, each with its subscribers' addresses
    (active members whose role the alert is routed to), marked e-mailed in the caller's
    transaction: each alert is e-mailed once even when the task runs twice."""
    from erp.models import Membership

    alerts = list(
        Alert.objects.select_for_update(skip_locked=True)
        .filter(tenant=tenant, pk__in=alert_ids, emailed_at__isnull=True)
        .order_by("pk")
    )
    if not alerts:
        return []
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(emailed_at=timezone.now())
    subscribed = list(
        AlertSubscription.objects.filter(
            tenant=tenant, kind__in={a.kind for a in alerts}
        ).values_list("kind", "user_id")
    )
    members = {
        m.user_id: (m.role, m.user.email)
        for m in Membership.objects.filter(tenant=tenant, is_active=True, user__is_active=True)
        .filter(user_id__in={user_id for _, user_id in subscribed})
        .select_related("user")
    }
    result = []
    for alert in alerts:
        to = sorted(
            members[user_id][1]
            for kind, user_id in subscribed
            if kind == alert.kind and user_id in members and members[user_id][0] in alert.roles
        )
        if to:
            result.append((alert, to))
    return result
