"""Transfer pages: the supervisor's list, draft editing and detail with its actions; the
operator's scanner pages to pick at the source and receive at the destination."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp import pdf
from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from erp.tables import Column, build_table, table_response
from inventory.selectors.valuation import in_transit
from warehouse.documents import pdf_response, site_party
from warehouse.models import TransferCarton, TransferStatus
from warehouse.packing import selectors as packing_selectors
from warehouse.packing.forms import PackForm
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.receiving import selectors as receiving_selectors
from warehouse.states import available_actions
from warehouse.stations import shipping_settings
from warehouse.transfers import cartons as cartons_service
from warehouse.transfers import selectors, services
from warehouse.transfers.documents import transfer_labels_pdf, transfer_slip_pdf
from warehouse.transfers.forms import (
    CancelForm,
    CloseForm,
    LineForm,
    PickScanForm,
    ReceiveScanForm,
    TransferFilter,
    TransferForm,
)


def _transfer(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.transfers(tenant=request.tenant), pk=pk)


@roles_required(*SUPERVISORS)
def transfer_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="transfers",
        queryset=selectors.transfers(tenant=request.tenant),
        filterset_class=TransferFilter,
        columns=[
            Column("Number", "number", value="number"),
            Column("From", "from_site__code", value="from_site.code"),
            Column("To", "to_site__code", value="to_site.code"),
            Column("Expected", "expected_date", css="nowrap hide-sm", value="expected_date"),
            Column("Status", "status", value="get_status_display"),
        ],
        row_template="warehouse/transfers/_row.html",
        default_sort="-number",
        empty="No transfer matches these filters.",
    )
    return table_response(request, template="warehouse/transfers/list.html", table=table)


@roles_required(*SUPERVISORS)
@idempotent
def transfer_create(request: HttpRequest) -> HttpResponse:
    form = TransferForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.create(
                tenant=request.tenant, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Transfer {transfer.number} drafted: add its lines.")
            return redirect("warehouse:transfer_detail", transfer.pk)
    return render(
        request, "warehouse/transfers/form.html", {"form": form},
        status=422 if form.errors else 200,
    )  # fmt: skip


def _detail(request, transfer, *, header_form=None, line_form=None, close_form=None, status=200):
    tenant = request.tenant
    draft = transfer.status == TransferStatus.DRAFT
    if draft and header_form is None:
        header_form = TransferForm(
            tenant=tenant,
            initial={
                "from_site": transfer.from_site, "to_site": transfer.to_site,
                "expected_date": transfer.expected_date, "note": transfer.note,
            },
        )  # fmt: skip
    actions = available_actions(transfer, tenant=tenant, user=request.user)
    lines = list(selectors.lines(tenant=tenant, transfer=transfer))
    context = {
        "transfer": transfer,
        "lines": lines,
        "picks": selectors.picks(tenant=tenant, transfer=transfer),
        "receipts": selectors.receipts(tenant=tenant, transfer=transfer),
        "discrepancies": selectors.discrepancies(tenant=tenant, transfer=transfer),
        "actions": [a for a in actions if a.name not in ("close", "cancel")],
        "can_close": any(a.name == "close" for a in actions),
        "can_cancel": any(a.name == "cancel" for a in actions),
        "short": sum((line.in_transit_base for line in lines), 0),
        "header_form": header_form if draft else None,
        "line_form": (line_form or LineForm(tenant=tenant)) if draft else None,
        "close_form": close_form or CloseForm(),
        "cancel_form": CancelForm(),
        "in_transit": in_transit(tenant=tenant)
        if transfer.status in (TransferStatus.SHIPPED, TransferStatus.PARTIALLY_RECEIVED)
        else None,
        "history": changes(transfer),
        **_cartons(request, transfer),
    }
    return render(request, "warehouse/transfers/detail.html", context, status=status)


def _cartons(request, transfer) -> dict:
    """The transfer's cartons, and whether they have SSCCs (so a label PDF to link)."""
    cartons = selectors.cartons(tenant=request.tenant, transfer=transfer)
    labelled = bool(transfer.sscc) or (bool(cartons) and all(c.sscc for c in cartons))
    return {"cartons": cartons, "labelled": labelled}


@roles_required(*SUPERVISORS)
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _transfer(request, pk))


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def transfer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = TransferForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        try:
            services.update(
                tenant=request.tenant, user=request.user, transfer=transfer, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Transfer {transfer.number} saved.")
            return redirect("warehouse:transfer_detail", transfer.pk)
    return _detail(request, transfer, header_form=form, status=422)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def transfer_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = LineForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        try:
            services.add_line(
                tenant=request.tenant, user=request.user, transfer=transfer, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("warehouse:transfer_detail", transfer.pk)
    return _detail(request, transfer, line_form=form, status=422)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def transfer_remove_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    line = get_object_or_404(selectors.lines(tenant=request.tenant, transfer=transfer), pk=line_pk)
    try:
        services.remove_line(tenant=request.tenant, user=request.user, line=line)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("warehouse:transfer_detail", transfer.pk)


def _action(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    transfer = _transfer(request, pk)
    try:
        run(transfer)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(number=transfer.number))
    # The scanner's Ship button brings the operator back to the ship step, which then offers
    # the carton label to print; "scan" returns to the scanner list.
    if request.POST.get("back") == "pick":
        return redirect("warehouse:transfer_pick", transfer.pk)
    if request.POST.get("back") == "pack":
        return redirect("warehouse:transfer_pack", transfer.pk)
    if request.POST.get("back") == "scan":
        return redirect("warehouse:transfer_scan")
    return redirect("warehouse:transfer_detail", transfer.pk)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def transfer_release(request: HttpRequest, pk: int) -> HttpResponse:
    def run(transfer):
        services.release(tenant=request.tenant, user=request.user, transfer=transfer)

    return _action(request, pk, run, "Transfer {number} released: its stock is reserved.")


@require_POST
@roles_required(*FLOOR)
@idempotent
def transfer_ship(request: HttpRequest, pk: int) -> HttpResponse:
    def run(transfer):
        services.ship(tenant=request.tenant, user=request.user, transfer=transfer)

    return _action(request, pk, run, "Transfer {number} shipped: its stock is in transit.")


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""

    def run(transfer):
        services.cancel(tenant=request.tenant, user=request.user, transfer=transfer, reason=reason)

    return _action(request, pk, run, "Transfer {number} cancelled.")


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def transfer_close(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close(
                tenant=request.tenant, user=request.user, transfer=transfer, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Transfer {transfer.number} closed.")
            return redirect("warehouse:transfer_detail", transfer.pk)
    return _detail(request, transfer, close_form=form, status=422)


@roles_required(*FLOOR)
def transfer_slip(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    content = transfer_slip_pdf(
        transfer=transfer,
        lines=list(selectors.lines(tenant=request.tenant, transfer=transfer)),
        picks=list(selectors.picks(tenant=request.tenant, transfer=transfer)),
        ship_from=site_party(transfer.from_site.name, transfer.from_site),
        ship_to=site_party(
            transfer.to_site.name, transfer.to_site, recipient_country=transfer.to_site.country
        ),
        tenant_name=request.tenant.name,
        pagesize=pdf.page_size(request.tenant),
    )
    return pdf_response(content, f"transfer-{transfer.number}.pdf")


@roles_required(*FLOOR)
def transfer_label(request: HttpRequest, pk: int) -> HttpResponse:
    """The cartons' labels as one PDF, a page each; a page saying why when they have no SSCC
    (not shipped yet, or shipped while the tenant had no GS1 company prefix). Numbers only
    come from `ship`, so reading this never assigns one."""
    transfer = _transfer(request, pk)
    settings = shipping_settings(tenant=request.tenant)
    prefix = settings.gs1_company_prefix if settings else ""
    cartons = selectors.cartons(tenant=request.tenant, transfer=transfer)
    if not cartons and transfer.sscc:
        # Shipped before transfers were packed into cartons: its one carton held every pick.
        cartons = [selectors.legacy_carton(tenant=request.tenant, transfer=transfer)]
    if transfer.shipped_at is None or not cartons or not all(c.sscc for c in cartons):
        context = {
            "transfer": transfer,
            "shipped": transfer.shipped_at is not None,
            "prefix": prefix,
        }
        return render(request, "warehouse/transfers/label_missing.html", context)
    content = transfer_labels_pdf(
        transfer=transfer,
        cartons=cartons,
        ship_from=site_party(transfer.from_site.name, transfer.from_site),
        ship_to=site_party(
            transfer.to_site.name, transfer.to_site, recipient_country=transfer.to_site.country
        ),
        company_prefix=prefix,
        gtins=packing_selectors.base_gtins(
            tenant=request.tenant,
            item_ids={line.item_id for carton in cartons for line in carton.contents},
        ),
    )
    return pdf_response(content, f"labels-{transfer.number}.pdf")


@roles_required(*FLOOR)
@idempotent
def transfer_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The outbound pack step for a picked transfer: scan what goes into which carton."""
    transfer = _transfer(request, pk)
    cartons = selectors.cartons(tenant=request.tenant, transfer=transfer)
    tracking = {
        line.item.tracking for line in selectors.lines(tenant=request.tenant, transfer=transfer)
    }
    form = PackForm(request.POST or None, cartons=cartons, tracking=tracking)
    packing = transfer.status == TransferStatus.PICKED
    if request.method == "POST" and not packing:
        messages.info(request, f"{transfer.number} is not waiting to be packed.")
        return redirect("warehouse:transfer_pack", transfer.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            carton, item, base = cartons_service.pack_scanned(
                tenant=request.tenant, user=request.user, transfer=transfer, code=data["item"],
                quantity=data["quantity"], carton=data["carton"],
                lot_code=data.get("lot", ""), serial_code=data.get("serial", ""),
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            messages.success(
                request,
                f"Packed {plain(base)} {item.base_unit} of {item.sku} into carton {carton.number}.",
            )
            return redirect("warehouse:transfer_pack", transfer.pk)
    context = {"transfer": transfer, "form": form, "cartons": cartons, "packing": packing}
    return render(
        request, "warehouse/transfers/pack.html", context, status=422 if form.errors else 200
    )


@require_POST
@roles_required(*FLOOR)
@idempotent
def transfer_carton_unpack(request: HttpRequest, pk: int, carton_pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    carton = get_object_or_404(
        TransferCarton.objects.filter(tenant=request.tenant, transfer=transfer), pk=carton_pk
    )
    try:
        number = cartons_service.unpack(tenant=request.tenant, user=request.user, carton=carton)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Carton {number} unpacked; pack its goods again.")
    return redirect("warehouse:transfer_pack", transfer.pk)


# Scanner pages (phone width).


@roles_required(*FLOOR)
def transfer_scan(request: HttpRequest) -> HttpResponse:
    """Transfers to pick at the operator's site and transfers arriving there."""
    site = request.site
    context = {
        "site": site,
        "to_pick": selectors.to_pick(tenant=request.tenant, site=site) if site else [],
        "picked": selectors.transfers(tenant=request.tenant).filter(
            from_site=site, status=TransferStatus.PICKED
        )
        if site
        else [],
        "arriving": selectors.arriving(tenant=request.tenant, site=site) if site else [],
    }
    return render(request, "warehouse/transfers/scan.html", context)


@roles_required(*FLOOR)
@idempotent
def transfer_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """The outbound pick's scanner step, on the transfer's next pick in walk order."""
    transfer = _transfer(request, pk)
    picks = list(selectors.picks(tenant=request.tenant, transfer=transfer))
    next_pick = next((p for p in picks if p.remaining > 0), None)
    picking = transfer.status == TransferStatus.RELEASED and next_pick is not None
    form, prompt = None, ""
    if picking:
        # The quantity to take is offered, so a bin scan and an item scan confirm the pick.
        form = PickScanForm(
            request.POST or None, pick=next_pick, initial={"quantity": plain(next_pick.remaining)}
        )
    elif request.method == "POST":
        messages.info(request, f"{transfer.number} has nothing left to pick.")
        return redirect("warehouse:transfer_pick", transfer.pk)
    if form is not None and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            step = services.pick_step(
                tenant=request.tenant, user=request.user, transfer=transfer,
                bin_code=data["bin"], item_code=data["item"], lot_code=data.get("lot", ""),
                serial_code=data.get("serial", ""), quantity=data["quantity"],
                short=data["short"],
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            if step.needs:
                # Right so far (a scanner's Enter after the bin): ask for the next scan.
                form.focus(step.needs)
                prompt = step.message
            else:
                if data["short"]:
                    messages.warning(
                        request,
                        f"Short pick: {plain(data['quantity'])} found for {transfer.number}; "
                        "the bin is held for a count.",
                    )
                else:
                    messages.success(
                        request, f"Picked {plain(data['quantity'])} for {transfer.number}."
                    )
                return redirect("warehouse:transfer_pick", transfer.pk)
    context = {
        "transfer": transfer,
        "form": form,
        "prompt": prompt,
        "picks": picks,
        "next_pick": next_pick,
        "picking": picking,
        "can_ship": transfer.status == TransferStatus.PICKED,
        **_cartons(request, transfer),
    }
    errors = form is not None and form.errors
    return render(request, "warehouse/transfers/pick.html", context, status=422 if errors else 200)


@roles_required(*FLOOR)
@idempotent
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    dock = receiving_selectors.dock_locations(
        tenant=request.tenant, site_id=transfer.to_site_id
    ).first()
    form = ReceiveScanForm(
        request.POST or None,
        initial={"key": uuid.uuid4().hex, "bin": dock.bin.code if dock else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.receive_scanned(
                tenant=request.tenant, user=request.user, transfer=transfer,
                bin_code=data["bin"], item_code=data["item"], lot_code=data["lot"],
                serial_code=data["serial"], quantity=data["quantity"],
                scan_key=f"{transfer.pk}:{data['key']}",
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            messages.success(
                request,
                f"Received {plain(receipt.quantity_base)} {receipt.line.item.base_unit} "
                f"{receipt.line.item.sku} at {receipt.location.code}; putaway queued.",
            )
            return redirect("warehouse:transfer_receive", transfer.pk)
    context = {
        "transfer": transfer,
        "form": form,
        "lines": selectors.lines(tenant=request.tenant, transfer=transfer),
        "receiving": transfer.status in (TransferStatus.SHIPPED, TransferStatus.PARTIALLY_RECEIVED),
    }
    return render(
        request, "warehouse/transfers/receive.html", context, status=422 if form.errors else 200
    )
