"""Webhook pages (admins only): endpoints with their secret, test pings and secret rotation;
the delivery log, a delivery's request and outcome, and replay."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response
from erp.webhooks import delivery, events, selectors, services
from erp.webhooks.forms import DeliveryFilter, EndpointForm
from erp.webhooks.models import WebhookEndpoint

RECENT = 10


@roles_required(Role.ADMIN)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.endpoints(tenant=request.tenant))
    return render(request, "erp/webhooks/list.html", {"rows": rows})


def _endpoint_form(request: HttpRequest, endpoint: WebhookEndpoint, *, new: bool) -> HttpResponse:
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_endpoint(
                tenant=request.tenant, user=request.user, endpoint=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Endpoint added. Give its signing secret to the receiver."
                if new
                else "Endpoint saved.",
            )
            return redirect("webhooks:detail", saved.pk)
    return render(
        request,
        "erp/webhooks/form.html",
        {"form": form, "endpoint": None if new else endpoint},
        status=422 if form.errors else 200,
    )


@roles_required(Role.ADMIN)
@idempotent
def endpoint_add(request: HttpRequest) -> HttpResponse:
    return _endpoint_form(request, WebhookEndpoint(tenant=request.tenant), new=True)


@roles_required(Role.ADMIN)
@idempotent
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(selectors.endpoints(tenant=request.tenant), pk=pk)
    return _endpoint_form(request, endpoint, new=False)


@roles_required(Role.ADMIN)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(selectors.endpoints(tenant=request.tenant), pk=pk)
    recent = list(selectors.deliveries(tenant=request.tenant).filter(endpoint=endpoint)[:RECENT])
    context = {
        "endpoint": endpoint,
        "types": [(t, events.description(t)) for t in endpoint.event_types],
        "recent": recent,
        "more": len(recent) == RECENT,
        "history": changes(endpoint),
    }
    return render(request, "erp/webhooks/detail.html", context)


@require_POST
@roles_required(Role.ADMIN)
@idempotent
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(selectors.endpoints(tenant=request.tenant), pk=pk)
    sent = services.send_test(tenant=request.tenant, user=request.user, endpoint=endpoint)
    messages.success(request, "Test event queued: its delivery shows below in a few seconds.")
    return redirect("webhooks:delivery", sent.pk)


@require_POST
@roles_required(Role.ADMIN)
@idempotent
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(selectors.endpoints(tenant=request.tenant), pk=pk)
    services.rotate_secret(tenant=request.tenant, user=request.user, endpoint=endpoint)
    messages.success(
        request,
        "New signing secret made: deliveries from now on are signed with it. Give it to the "
        "receiver.",
    )
    return redirect("webhooks:detail", endpoint.pk)


def _last_answer(row) -> str:
    if row.last_status_code:
        return f"HTTP {row.last_status_code}"
    return row.last_error or ""


@roles_required(Role.ADMIN)
def delivery_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="deliveries",
        queryset=selectors.deliveries(tenant=request.tenant),
        filterset_class=DeliveryFilter,
        columns=[
            Column("Created", "created_at", value="created_at"),
            Column("Event", "event__type", value="event.type"),
            Column("Endpoint", "endpoint__url", value="endpoint.url"),
            Column("Status", "status", value="get_status_display"),
            Column("Attempts", "attempts", css="num", value="attempts"),
            Column("Last answer", value=_last_answer),
        ],
        row_template="erp/webhooks/_delivery_row.html",
        default_sort="-created_at",
        empty="No deliveries match these filters.",
    )
    return table_response(request, template="erp/webhooks/deliveries.html", table=table)


@roles_required(Role.ADMIN)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(selectors.deliveries(tenant=request.tenant), pk=pk)
    body = json.dumps(json.loads(delivery.body(row.event)), indent=2, ensure_ascii=False)
    context = {
        "delivery": row,
        "event_description": events.description(row.event.type),
        "body": body,
        "headers": sorted(row.last_request_headers.items()),
        "max_attempts": delivery.MAX_ATTEMPTS,
    }
    return render(request, "erp/webhooks/delivery.html", context)


@require_POST
@roles_required(Role.ADMIN)
@idempotent
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(selectors.deliveries(tenant=request.tenant), pk=pk)
    try:
        services.replay(tenant=request.tenant, user=request.user, delivery_row=row)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Queued to be sent again now, with the same webhook-id.")
    return redirect("webhooks:delivery", row.pk)
