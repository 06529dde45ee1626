"""Supervisor pages of outbound: waves and their batches, floor exceptions, and the packing
and shipping queues (htmx keeps the live ones fresh)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.parsing import parse_id
from erp.roles import roles_required
from inventory import selectors as inventory_selectors
from warehouse import selectors
from warehouse.exceptions import services as exceptions
from warehouse.forms import WaveForm
from warehouse.models import ExceptionKind, WaveStatus
from warehouse.permissions import SUPERVISORS
from warehouse.picking import waves


@roles_required(*SUPERVISORS)
def wave_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = selectors.waves(tenant=request.tenant)
    if status in WaveStatus.values:
        rows = rows.filter(status=status)
    context = {"waves": rows[:200], "status": status, "statuses": WaveStatus.choices}
    return render(request, "warehouse/outbound/waves.html", context)


FILTERS = ("site", "carrier", "route", "cutoff", "zone")


@roles_required(*SUPERVISORS)
@idempotent
def wave_create(request: HttpRequest) -> HttpResponse:
    """GET with filters previews the orders a wave would take; POST creates it."""
    tenant = request.tenant
    posted = request.method == "POST"
    data = request.POST if posted else (request.GET if "site" in request.GET else None)
    if data is not None and not posted:
        data = _without_other_sites_zone(data, tenant=tenant)
    # The supervisor's current site first: a wave is built where they work.
    first_site = (
        request.site or inventory_selectors.sites(tenant=tenant).filter(is_active=True).first()
    )
    form = WaveForm(data, tenant=tenant, initial={"site": first_site, "orders_per_batch": 4})
    filters = {"site": first_site} if first_site is not None else None
    if form.is_bound:
        valid = form.is_valid()
        # The preview needs only valid filters (a half-typed batch size must not blank it).
        filters = None
        if form.cleaned_data.get("site") and not any(f in form.errors for f in FILTERS):
            filters = {f: form.cleaned_data.get(f) for f in FILTERS}
        if posted and valid:
            try:
                wave = waves.create_wave(
                    tenant=tenant, user=request.user,
                    orders_per_batch=form.cleaned_data["orders_per_batch"], **filters,
                )  # fmt: skip
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                count = wave.wave_orders.count()
                messages.success(
                    request,
                    f"{wave.number} planned with {count} order{'s' if count != 1 else ''}; press Release wave to make the pick tasks.",
                )
                return redirect("warehouse:wave_detail", wave.pk)
    orders = selectors.wave_preview(tenant=tenant, **filters) if filters else None
    context = {"form": form, "orders": orders, "zone": (filters or {}).get("zone")}
    if orders == []:
        # An empty preview says why: nothing released, or filters that exclude what is.
        context["site"] = filters["site"]
        context["waiting"] = selectors.waiting_for_a_wave(tenant=tenant, site=filters["site"])
    if request.htmx:
        # The zone list follows the site: it rides along with the preview, swapped by id.
        form.fields["zone"].widget.attrs["hx-swap-oob"] = "true"
        context["zone_options"] = True
    template = "_wave_preview.html" if request.htmx else "wave_form.html"
    refused = form.errors if posted else filters is None and form.is_bound
    return render(
        request, f"warehouse/outbound/{template}", context, status=422 if refused else 200
    )


def _without_other_sites_zone(data, *, tenant):
    """The query with its zone dropped when that zone is not at the query's site: after the
    site changes, the zone chosen for the old one is stale, not wrong."""
    zone, site = parse_id(data.get("zone")), parse_id(data.get("site"))
    if zone is None or site is None:
        return data
    zones = inventory_selectors.zones(tenant=tenant).filter(pk=zone, site_id=site)
    if zones.exists():
        return data
    data = data.copy()
    data["zone"] = ""
    return data


@roles_required(*SUPERVISORS)
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(selectors.waves(tenant=request.tenant), pk=pk)
    context = {"wave": wave, "batches": selectors.batch_progress(tenant=request.tenant, wave=wave)}
    if request.htmx:
        return render(request, "warehouse/outbound/_batch_progress.html", context)
    context["orders"] = selectors.wave_orders(tenant=request.tenant, wave=wave)
    return render(request, "warehouse/outbound/wave_detail.html", context)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def wave_release(request: HttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(selectors.waves(tenant=request.tenant), pk=pk)
    try:
        batches = waves.release_wave(tenant=request.tenant, user=request.user, wave=wave)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        tasks = sum(batch.tasks.count() for batch in batches)
        messages.success(
            request,
            f"Wave {wave.number} released: {len(batches)} batch{'es' if len(batches) != 1 else ''}, "
            f"{tasks} pick task{'s' if tasks != 1 else ''}.",
        )
    return redirect("warehouse:wave_detail", wave.pk)


@roles_required(*SUPERVISORS)
def exception_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    kind = request.GET.get("kind", "")
    rows = selectors.floor_exceptions(tenant=request.tenant)
    if state == "open":
        rows = rows.filter(acknowledged_at__isnull=True)
    if kind in ExceptionKind.values:
        rows = rows.filter(kind=kind)
    context = {
        "rows": rows[:300],
        "state": state,
        "kind": kind,
        "kinds": ExceptionKind.choices,
        "counts": selectors.open_count_requests(tenant=request.tenant)[:300],
    }
    return render(request, "warehouse/outbound/exceptions.html", context)


@require_POST
@roles_required(*SUPERVISORS)
def exception_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(selectors.floor_exceptions(tenant=request.tenant), pk=pk)
    try:
        exceptions.acknowledge(tenant=request.tenant, user=request.user, exception=exception)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{exception.get_kind_display()} on {exception.order.number} ({exception.item.sku}) acknowledged.",
        )
    return redirect("warehouse:exception_list")


@roles_required(*SUPERVISORS)
def packing_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "ready": selectors.packing_queue(tenant=request.tenant)[:200],
        "picking": selectors.still_picking(tenant=request.tenant)[:200],
    }
    template = "_packing_queue.html" if request.htmx else "packing_queue.html"
    return render(request, f"warehouse/outbound/{template}", context)


@roles_required(*SUPERVISORS)
def shipping_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "orders": selectors.ship_queue(tenant=request.tenant)[:200],
        "shipments": selectors.open_shipments(tenant=request.tenant)[:200],
    }
    template = "_shipping_queue.html" if request.htmx else "shipping_queue.html"
    return render(request, f"warehouse/outbound/{template}", context)
