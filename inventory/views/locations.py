"""Admin settings pages for sites, zones and bins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.exports.cells import active
from erp.history import changes
from erp.idempotency import idempotent
from erp.numbers import quantity as qty
from erp.parsing import parse_id, parse_ids
from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response
from inventory import selectors
from inventory.filters import BinFilter, SiteFilter, ZoneFilter
from inventory.forms import BinForm, SiteForm, ZoneForm
from inventory.labels import bin_labels_pdf
from inventory.services import locations

MAX_LABELS = 2000


def _edit(request, *, form, save, template, context, success):
    """Validate `form`, call the service `save`, and redirect or re-render with errors."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(
                tenant=request.tenant,
                user=request.user,
                **{context["kind"]: form.save(commit=False)},
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(obj)
    return render(request, template, {**context, "form": form}, status=422 if form.errors else 200)


# Sites -----------------------------------------------------------------------------------


@roles_required(Role.ADMIN)
def site_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="sites",
        queryset=selectors.sites_with_counts(tenant=request.tenant),
        filterset_class=SiteFilter,
        columns=[
            Column("Code", "code", value="code"),
            Column("Name", "name", value="name"),
            Column(
                "City", "city", value=lambda row: ", ".join(p for p in (row.city, row.country) if p)
            ),
            Column("Time zone", "time_zone", value="time_zone"),
            Column("Zones", css="num", value="zone_count"),
            Column("Bins", css="num", value="bin_count"),
            Column("Active", value=active),
        ],
        row_template="inventory/site/_row.html",
        default_sort="code",
    )
    return table_response(request, template="inventory/site/list.html", table=table)


@roles_required(Role.ADMIN)
@idempotent
def site_create(request: HttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    return _edit(
        request,
        form=form,
        save=locations.save_site,
        template="inventory/site/form.html",
        context={"kind": "site"},
        success="Site {obj.code} saved.",
    )


@roles_required(Role.ADMIN)
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.sites_with_counts(tenant=request.tenant), pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    return _edit(
        request,
        form=form,
        save=locations.save_site,
        template="inventory/site/detail.html",
        context={
            "kind": "site",
            "object": site,
            "history": changes(site),
            "starting_here": selectors.default_sites(tenant=request.tenant).filter(site=site),
        },
        success="Site {obj.code} saved.",
    )


# Zones -----------------------------------------------------------------------------------


@roles_required(Role.ADMIN)
def zone_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="zones",
        queryset=selectors.zones_with_counts(tenant=request.tenant),
        filterset_class=ZoneFilter,
        columns=[
            Column("Site", "site__code", value="site.code"),
            Column("Code", "code", value="code"),
            Column("Name", "name", value="name"),
            Column("Type", "zone_type", value="get_zone_type_display"),
            Column("Bins", css="num", value="bin_count"),
        ],
        row_template="inventory/zone/_row.html",
        default_sort="site__code",
    )
    return table_response(request, template="inventory/zone/list.html", table=table)


@roles_required(Role.ADMIN)
@idempotent
def zone_create(request: HttpRequest) -> HttpResponse:
    site = parse_id(request.GET.get("site"))
    initial = {"site": site} if site else None
    form = ZoneForm(request.POST or None, tenant=request.tenant, initial=initial)
    return _edit(
        request,
        form=form,
        save=locations.save_zone,
        template="inventory/zone/form.html",
        context={"kind": "zone"},
        success="Zone {obj} saved.",
    )


@roles_required(Role.ADMIN)
def zone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    zone = get_object_or_404(selectors.zones_with_counts(tenant=request.tenant), pk=pk)
    form = ZoneForm(request.POST or None, instance=zone, tenant=request.tenant)
    return _edit(
        request,
        form=form,
        save=locations.save_zone,
        template="inventory/zone/detail.html",
        context={"kind": "zone", "object": zone, "history": changes(zone)},
        success="Zone {obj} saved.",
    )


# Bins ------------------------------------------------------------------------------------


def _capacity(row) -> str:
    parts = [f"{row.capacity_units} u"] if row.capacity_units else []
    if row.capacity_volume:
        parts.append(f"{qty(row.capacity_volume)} m³")
    if row.capacity_weight:
        parts.append(f"{qty(row.capacity_weight)} kg")
    return " · ".join(parts)


def _bin_table(request: HttpRequest):
    return build_table(
        request,
        name="bins",
        queryset=selectors.bins(tenant=request.tenant),
        filterset_class=BinFilter,
        columns=[
            Column(""),
            Column("Code", "code", value="code"),
            Column("Site", "site__code", value="site.code"),
            Column("Zone", "zone__code", value="zone.code"),
            Column("Type", "bin_type", value="get_bin_type_display"),
            Column("Walk", "walk_sequence", css="num", value="walk_sequence"),
            Column("Capacity", value=_capacity),
            Column("Active", value=active),
        ],
        row_template="inventory/bin/_row.html",
        default_sort="code",
        per_page=50,
    )


@roles_required(Role.ADMIN)
def bin_list(request: HttpRequest) -> HttpResponse:
    return table_response(request, template="inventory/bin/list.html", table=_bin_table(request))


@roles_required(Role.ADMIN)
@idempotent
def bin_create(request: HttpRequest) -> HttpResponse:
    form = BinForm(request.POST or None, tenant=request.tenant)
    return _edit(
        request,
        form=form,
        save=locations.save_bin,
        template="inventory/bin/form.html",
        context={"kind": "bin"},
        success="Bin {obj.code} saved.",
    )


@roles_required(Role.ADMIN)
def bin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bin = get_object_or_404(selectors.bins(tenant=request.tenant), pk=pk)
    form = BinForm(request.POST or None, instance=bin, tenant=request.tenant)
    return _edit(
        request,
        form=form,
        save=locations.save_bin,
        template="inventory/bin/detail.html",
        context={"kind": "bin", "object": bin, "history": changes(bin)},
        success="Bin {obj.code} saved.",
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@roles_required(Role.ADMIN)
def bin_label(request: HttpRequest, pk: int) -> HttpResponse:
    bin = get_object_or_404(selectors.bins(tenant=request.tenant), pk=pk)
    return _pdf(bin_labels_pdf([bin]), f"bin-{bin.code}.pdf")


@require_POST
@roles_required(Role.ADMIN)
def bin_labels(request: HttpRequest) -> HttpResponse:
    """Labels for the ticked bins, or for every bin the current filter shows."""
    ids = parse_ids(request.POST.getlist("bin"))
    if ids:
        chosen = (
            selectors.bins(tenant=request.tenant)
            .filter(pk__in=ids)
            .order_by("site__code", "walk_sequence", "code")
        )
    else:
        filterset = BinFilter(
            request.POST, queryset=selectors.bins(tenant=request.tenant), request=request
        )
        if not filterset.is_valid():
            messages.error(request, "The filter is not valid; no labels were made.")
            return redirect("inventory:bin_list")
        chosen = filterset.qs.order_by("site__code", "walk_sequence", "code")
    chosen = list(chosen[: MAX_LABELS + 1])
    if not chosen:
        messages.error(request, "No bins selected; tick some bins or filter the list first.")
        return redirect("inventory:bin_list")
    if len(chosen) > MAX_LABELS:
        messages.error(
            request, f"More than {MAX_LABELS} bins selected; narrow the filter and print in parts."
        )
        return redirect("inventory:bin_list")
    return _pdf(bin_labels_pdf(chosen), "bin-labels.pdf")
