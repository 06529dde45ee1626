"""Alert pages: a member's inbox, an alert with its history, acknowledge and resolve, the live
count in the top bar, e-mail subscriptions and the tenant's alert settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from erp.alerts import registry, selectors, services
from erp.alerts.forms import STATES, AlertFilter, AlertSettingsForm, NoteForm, state_of
from erp.alerts.states import alert_machine
from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import STAFF, Role, any_member, roles_required
from erp.tables import Column, build_table, table_response
from erp.views.settings_page import settings_page


def _mine(request: HttpRequest):
    return selectors.alerts_for(tenant=request.tenant, role=request.membership.role)


def _status(alert) -> str:
    """The status as the inbox shows it: who acknowledged it, in brackets."""
    text = str(alert.get_status_display())
    if alert.acknowledged_by:
        text += f" ({alert.acknowledged_by.get_short_name()})"
    return text


@any_member
def inbox(request: HttpRequest) -> HttpResponse:
    """The alerts routed to the member's role, filtered by state (open or acknowledged unless
    another is chosen) and kind; exported as it is filtered (erp.exports)."""
    state = state_of(request.GET)
    table = build_table(
        request,
        name="alerts",
        queryset=selectors.inbox(tenant=request.tenant, role=request.membership.role).filter(
            status__in=STATES[state][1]
        ),
        filterset_class=AlertFilter,
        columns=[
            Column("Raised", "raised_at", css="nowrap", value="raised_at"),
            Column("Kind", "kind_label", value="kind_label"),
            Column("What", "message", value="message"),
            Column("Status", "status", value=_status),
            Column("", css="col-action"),
        ],
        row_template="erp/alerts/_row.html",
        # Rows are rendered with `only`: an acknowledge comes back to this page as filtered.
        extra={"next": request.get_full_path()},
        per_page=50,
        default_sort="-raised_at",
        empty="No alerts match these filters.",
    )
    return table_response(
        request, template="erp/alerts/inbox.html", table=table,
        context={"can_resolve": request.membership.role in STAFF},
    )  # fmt: skip


@any_member
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(_mine(request), pk=pk)
    context = {
        "alert": alert,
        "kind_label": registry.label_for(alert.kind),
        "actions": {
            step.name
            for step in alert_machine.allowed(alert, tenant=request.tenant, user=request.user)
        },
        "history": changes(alert),
    }
    return render(request, "erp/alerts/detail.html", context)


@require_GET
@any_member
def count(request: HttpRequest) -> HttpResponse:
    """The top bar's badge, polled by htmx: reads only."""
    unseen = selectors.unseen_count(tenant=request.tenant, role=request.membership.role)
    return render(request, "erp/alerts/_count.html", {"unseen": unseen})


def _back(request: HttpRequest, alert) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("alerts:detail", alert.pk)


@require_POST
@any_member
@idempotent
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(_mine(request), pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.acknowledge(tenant=request.tenant, user=request.user, alert=alert, note=note)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Acknowledged: {alert.message}")
    return _back(request, alert)


@require_POST
@roles_required(*STAFF)
@idempotent
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(_mine(request), pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.resolve(tenant=request.tenant, user=request.user, alert=alert, note=note)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("alerts:detail", alert.pk)
    messages.success(request, f"Resolved: {alert.message}")
    return _back(request, alert)


@any_member
@idempotent
def subscriptions(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        chosen = services.set_subscriptions(
            tenant=request.tenant, user=request.user, kinds=request.POST.getlist("kind")
        )
        messages.success(
            request,
            f"You will be e-mailed about {len(chosen)} kind{'s' if len(chosen) != 1 else ''} "
            "of alert."
            if chosen
            else "You will not be e-mailed about alerts.",
        )
        return redirect("alerts:subscriptions")
    mine = selectors.subscribed_kinds(tenant=request.tenant, user=request.user)
    context = {
        "kinds": [
            {
                "kind": rule.kind,
                "label": rule.label,
                "description": rule.description,
                "checked": rule.kind in mine,
            }
            for rule in registry.rules()
        ],
        "email": request.user.email,
    }
    return render(request, "erp/alerts/subscriptions.html", context)


@roles_required(Role.ADMIN)
@idempotent
def alert_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=selectors.settings_for,
        save_settings=services.save_settings,
        form_class=AlertSettingsForm,
        template="erp/alerts/settings.html",
        saved="Alert settings saved.",
        url_name="alerts:settings",
    )
