"""Waves and picking pages: the supervisor builds, previews and releases waves and watches
their batches; the operator starts (or takes over) a batch and picks it at phone width."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp import formats, pdf
from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.parsing import parse_id
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from inventory import selectors as inventory_selectors
from warehouse.documents import pdf_response
from warehouse.errors import BatchTaken
from warehouse.models import PickBatch, PickState
from warehouse.permissions import FLOOR, STARTERS, SUPERVISORS
from warehouse.picking import selectors, services, waves
from warehouse.picking.documents import pick_list_pdf
from warehouse.picking.forms import PickForm, WaveFilter, WaveForm
from warehouse.states import available_actions


def _selection(wave) -> str:
    """The orders a wave took, in words, as the list shows them."""
    words = [
        f"carrier {wave.carrier}" if wave.carrier else "",
        f"route {wave.route}" if wave.route else "",
        f"ship by {formats.day(wave.cutoff)}" if wave.cutoff else "",
        f"zone {wave.zone.code}" if wave.zone else "",
    ]
    chosen = " ".join(word for word in words if word) or "all released orders"
    return f"{chosen} · {wave.orders_per_batch} per batch"


@roles_required(*SUPERVISORS)
def wave_list(request: HttpRequest) -> HttpResponse:
    """The waves, newest first, filtered by number, site and status; exported as filtered
    (erp.exports)."""
    table = build_table(
        request,
        name="waves",
        queryset=selectors.waves(tenant=request.tenant),
        filterset_class=WaveFilter,
        columns=[
            Column("Wave", "number", value="number"),
            Column("Site", "site__code", value="site.code"),
            Column("Status", "status", value="get_status_display"),
            Column("Filters", css="hide-sm", value=_selection),
            Column("Orders", "order_count", css="num", value="order_count"),
            Column("Batches", "batch_count", css="num", value="batch_count"),
            Column("Created", "created_at", css="nowrap", value="created_at"),
            Column("By", css="hide-sm", value=lambda wave: wave.created_by.get_short_name()),
            Column("Released", "released_at", css="nowrap", value="released_at"),
        ],
        row_template="warehouse/outbound/_wave_row.html",
        per_page=50,
        default_sort="-created_at",
        empty="No waves match these filters.",
    )
    return table_response(request, template="warehouse/outbound/waves.html", table=table)


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
    context["actions"] = available_actions(wave, tenant=request.tenant, user=request.user)
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


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def wave_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(selectors.waves(tenant=request.tenant), pk=pk)
    try:
        waves.cancel_wave(tenant=request.tenant, user=request.user, wave=wave)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Wave {wave.number} cancelled: its orders can go into another wave."
        )
    return redirect("warehouse:wave_detail", wave.pk)


@roles_required(*FLOOR)
def pick_next(request: HttpRequest) -> HttpResponse:
    """My picks: the next pick of the batch this picker holds; else the batches waiting to be
    started and those others hold. Only reads: starting or taking over a batch is a POST."""
    task = selectors.my_next_pick(tenant=request.tenant, user=request.user)
    if task is not None:
        return redirect("warehouse:pick_task", task.pk)
    context = {
        "waiting": selectors.waiting_batches(tenant=request.tenant, site=request.site)[:20],
        "site": request.site,
        "others": services.batches_of_others(tenant=request.tenant, user=request.user),
        "can_start": has_role(request, STARTERS),
    }
    return render(request, "warehouse/scan/pick_none.html", context)


@require_POST
@roles_required(*STARTERS)
def pick_start(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(
        PickBatch.objects.filter(tenant=request.tenant).select_related("wave"), pk=pk
    )
    try:
        services.start_batch(tenant=request.tenant, user=request.user, batch=batch)
    except BatchTaken as exc:
        messages.warning(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("warehouse:pick_next")


@require_POST
@roles_required(*STARTERS)
def pick_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PickBatch.objects.filter(tenant=request.tenant), pk=pk)
    seen = request.POST.get("picker", "")
    try:
        services.take_over(
            tenant=request.tenant, user=request.user, batch=batch,
            from_picker=parse_id(seen),
        )  # fmt: skip
    except BatchTaken as exc:
        messages.warning(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("warehouse:pick_next")


@roles_required(*FLOOR)
@idempotent
def pick_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.pick_tasks(tenant=request.tenant), pk=pk)
    if task.state != PickState.OPEN and request.method == "GET":
        messages.info(request, f"Pick #{task.pk} is {task.get_state_display().lower()}.")
        return redirect("warehouse:pick_next")
    form = PickForm(request.POST or None, task=task, initial={"quantity": plain(task.quantity)})
    prompt = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.pick_scanned(
                tenant=request.tenant, user=request.user, task=task, bin_code=data["bin"],
                item_code=data["item"], quantity=data["quantity"],
                lot_code=data.get("lot", ""), serial_code=data.get("serial", ""),
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            if result.needs:
                # Right so far (a scanner's Enter after the bin): ask for the next scan.
                form.focus(result.needs)
                prompt = result.message
            else:
                if result.repeat:
                    messages.info(request, result.message)
                elif result.task.state == PickState.SHORT:
                    messages.warning(request, result.message)
                else:
                    messages.success(request, result.message)
                return redirect("warehouse:pick_next")
    mine = task.batch.picker_id == request.user.pk
    if not mine and not form.errors:
        form.focus("")  # the Start (or Take over) button has the cursor
    tasks = list(selectors.batch_tasks(tenant=request.tenant, batch=task.batch))
    context = {
        "task": task,
        "form": form,
        "prompt": prompt,
        "done": sum(1 for t in tasks if t.state != PickState.OPEN),
        "total": len(tasks),
        "mine": mine,
        "can_start": has_role(request, STARTERS),
    }
    return render(
        request, "warehouse/scan/pick_task.html", context, status=422 if form.errors else 200
    )


@roles_required(*FLOOR)
def pick_list(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(
        selectors.batches(tenant=request.tenant).select_related("wave__staging"), pk=pk
    )
    tasks = list(
        selectors.batch_tasks(tenant=request.tenant, batch=batch).select_related("order__customer")
    )
    totes = {task.tote: task.order for task in tasks}
    content = pick_list_pdf(
        batch=batch, tasks=tasks, totes=totes, tenant_name=request.tenant.name,
        pagesize=pdf.page_size(request.tenant),
    )  # fmt: skip
    return pdf_response(content, f"pick-list-{batch}.pdf")
