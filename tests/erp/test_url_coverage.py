"""Every URL in the configuration renders for its roles, refuses the others (403), and
answers 404 when it names another tenant's object. A new URL fails here until it is listed."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import (
    BinFactory,
    CustomerFactory,
    InvitationFactory,
    ItemFactory,
    ItemUnitFactory,
    MembershipFactory,
    PurchaseOrderFactory,
    SiteFactory,
    SupplierFactory,
    ZoneFactory,
    api_token,
    bin_in,
    member,
)
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db


def _import_job(tenant, kind="inventory.bins"):
    from erp.models import ImportJob
    from erp.tenancy import tenant_context

    with tenant_context(tenant):
        return ImportJob.objects.create(
            tenant=tenant,
            kind=kind,
            created_by=member(tenant),
            filename="x.csv",
            content="site\n",
            status="invalid",
        )


def _adjustment(tenant):
    from decimal import Decimal

    from inventory import ledger
    from inventory.models import Adjustment
    from tests.factories import ItemFactory, bin_in

    item = ItemFactory(tenant=tenant)
    bin = bin_in(tenant)
    with tenant_context(tenant):
        return Adjustment.objects.create(
            tenant=tenant, item=item, location=ledger.bin_location(tenant=tenant, bin=bin),
            quantity=Decimal(1), estimated_value=Decimal(1), reason_code="found", requested_by=member(tenant),
        )  # fmt: skip


def _order_line(tenant):
    from decimal import Decimal

    from purchasing.services import orders
    from tests.factories import ItemFactory

    order = PurchaseOrderFactory(supplier__tenant=tenant)
    with tenant_context(tenant):
        line = orders.add_line(
            tenant=tenant,
            user=order.created_by,
            order=order,
            item=ItemFactory(tenant=tenant),
            quantity=Decimal(1),
            unit_cost=Decimal(1),
        )
    return {"pk": order.pk, "line_pk": line.pk}


def _supplier_item(tenant):
    from decimal import Decimal

    from purchasing.models import SupplierItem

    supplier = SupplierFactory(tenant=tenant)
    with tenant_context(tenant):
        return SupplierItem.objects.create(
            tenant=tenant, supplier=supplier, item=ItemFactory(tenant=tenant), price=Decimal(2)
        )


def _price_break(tenant):
    from decimal import Decimal

    from purchasing.models import PriceBreak

    supplier_item = _supplier_item(tenant)
    with tenant_context(tenant):
        return PriceBreak.objects.create(
            tenant=tenant, supplier_item=supplier_item, min_quantity=Decimal(10), price=Decimal(1)
        )


def _suggestion(tenant):
    from tests.factories import SuggestionFactory

    return SuggestionFactory(tenant=tenant)


def _dock(tenant):
    from tests.warehouse.conftest import Dock

    return Dock(tenant)


def _receipt(tenant, **kwargs):
    from decimal import Decimal

    from warehouse.receiving import services as receiving

    dock = _dock(tenant)
    item = kwargs.pop("item", None) or dock.item
    with tenant_context(tenant):
        return dock, receiving.receive(
            tenant=tenant,
            user=dock.operator,
            order=dock.order,
            item=item,
            quantity=Decimal(kwargs.pop("quantity", 5)),
            dock=dock.dock,
            scan_key=f"url-{dock.order.pk}",
            **kwargs,
        )


def _putaway_task(tenant):
    _, receipt = _receipt(tenant)
    with tenant_context(tenant):
        return receipt.putaway_tasks.get()


def _work_task(tenant):
    from warehouse.models import WorkKind
    from warehouse.workqueue import services

    task = _putaway_task(tenant)
    with tenant_context(tenant):
        return services.add(
            tenant=tenant, kind=WorkKind.PUTAWAY, reference=task.pk,
            site=task.from_location.site, summary=f"Put away {task.item.sku}",
        )  # fmt: skip


def _count_round(tenant):
    from tests.warehouse.counting import Shelf

    shelf = Shelf(tenant)
    return shelf.round(shelf.open())


def _discrepancy(tenant):
    _, receipt = _receipt(tenant, quantity=200)  # above the 5 % tolerance
    with tenant_context(tenant):
        return receipt.discrepancies.get(state="open")


def _qc_balance(tenant):
    from decimal import Decimal

    from inventory import ledger
    from inventory.models import LocationKind, StockBalance

    dock = _dock(tenant)
    with tenant_context(tenant):
        supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
        ledger.post(
            tenant=tenant,
            user=None,
            kind="receipt",
            moves=[
                ledger.Move(
                    item=dock.item,
                    quantity=Decimal(4),
                    source=supplier,
                    destination=dock.dock,
                    destination_status="qc_hold",
                    unit_cost=Decimal(1),
                )
            ],
        )
        return StockBalance.objects.get(item=dock.item, status="qc_hold")


def _rule(tenant):
    from warehouse.models import PutawayRule

    with tenant_context(tenant):
        return PutawayRule.objects.create(tenant=tenant, name="reserve", target_bin_type="reserve")


def _ship_to(tenant):
    from orders.models import ShipTo
    from tests.factories import CustomerFactory

    customer = CustomerFactory(tenant=tenant)
    with tenant_context(tenant):
        return ShipTo.objects.create(
            tenant=tenant, customer=customer, name="Dock", address_line1="1 Main St", city="X",
            is_default=True,
        )  # fmt: skip


def _sales_order(tenant, *, lines=0):
    from decimal import Decimal

    from orders.services import sales_orders
    from tests.factories import CustomerFactory

    user = member(tenant, "planner")
    with tenant_context(tenant):
        order = sales_orders.create_order(
            tenant=tenant, user=user, customer=CustomerFactory(tenant=tenant),
            site=SiteFactory(tenant=tenant), requested_date=datetime.date.today(),
        )  # fmt: skip
        line = None
        for _ in range(lines):
            line = sales_orders.add_line(
                tenant=tenant, user=user, order=order, item=ItemFactory(tenant=tenant),
                quantity=Decimal(1), price=Decimal(1),
            )  # fmt: skip
    return order, line


def _sales_order_line(tenant):
    order, line = _sales_order(tenant, lines=1)
    return {"pk": order.pk, "line_pk": line.pk}


def _floor(tenant):
    from tests.warehouse.outbound import Floor

    return Floor(tenant)


def _open_task(tenant):
    floor = _floor(tenant)
    return floor.tasks(floor.released_wave())[0]


def _short_pick(tenant):
    from warehouse.models import FloorException

    floor = _floor(tenant)
    floor.picked_order(short={0: 2})
    with tenant_context(tenant):
        return FloorException.objects.filter(order__site=floor.site).get()


def _open_carton(tenant):
    order = _floor(tenant).packed_order(close=False)
    return {"pk": order.pk, "carton_pk": order.cartons[0].pk}


def _pick_face(tenant):
    from tests.warehouse.faces import Faces

    floor = Faces(tenant, stock=1)
    floor.stock_reserve(floor.cups, 100)
    return floor, floor.face(floor.cups, floor.p2, 10, 40)


def _replenishment(tenant):
    floor, _face = _pick_face(tenant)
    return floor.run()[0]


_TRANSFER_TAGS = iter(range(1, 10**6))


def _transfer(tenant, stage: str) -> dict:
    from tests.warehouse.transfer_sites import Sites

    sites = Sites(tenant, tag=f"-{next(_TRANSFER_TAGS)}")
    if stage == "partial":
        transfer = sites.shipped()
        sites.receive(transfer, 5)
    else:
        transfer = getattr(sites, stage)()
    return {"pk": transfer.pk}


def _transfer_line(tenant) -> dict:
    from warehouse.models import TransferLine

    kwargs = _transfer(tenant, "draft")
    with tenant_context(tenant):
        line = TransferLine.objects.get(transfer_id=kwargs["pk"])
    return {**kwargs, "line_pk": line.pk}


def _transfer_carton(tenant) -> dict:
    from warehouse.models import TransferCarton, TransferOrder
    from warehouse.transfers import cartons

    kwargs = _transfer(tenant, "picked")
    with tenant_context(tenant):
        transfer = TransferOrder.objects.get(pk=kwargs["pk"])
        sku = transfer.lines.get().item.sku
        user = transfer.created_by
        carton, _item, _base = cartons.pack_scanned(
            tenant=tenant, user=user, transfer=transfer, code=sku, quantity=1
        )
        assert TransferCarton.objects.filter(pk=carton.pk).exists()
    return {**kwargs, "carton_pk": carton.pk}


def _alert(tenant):
    from erp.roles import Role
    from tests.factories import AlertFactory

    return {"pk": AlertFactory(tenant=tenant, roles=[r.value for r in Role]).pk}


def _returns(tenant, stage: str):
    """An RMA of `tenant` taken to `stage` (tests/returns/returns_floor.py)."""
    from tests.returns.returns_floor import Returns

    r = Returns(tenant)
    return r, getattr(r, stage)()


def _rma(tenant, stage: str = "draft") -> dict:
    return {"pk": _returns(tenant, stage)[1].pk}


def _rma_line(tenant) -> dict:
    r, rma = _returns(tenant, "draft")
    return {"pk": rma.pk, "line_pk": r.line(rma).pk}


def _inspection(tenant) -> dict:
    r, rma = _returns(tenant, "inspected")
    return {"pk": r.inspections(rma)[0].pk}


def _credit(tenant) -> dict:
    return {"pk": _returns(tenant, "credit")[1].pk}


def _supplier_return(tenant) -> dict:
    from decimal import Decimal

    from purchasing.models import SupplierItem
    from returns.models import ReturningSupplier
    from returns.services import inspection
    from tests.returns.returns_floor import Returns

    r = Returns(tenant)
    supplier = SupplierFactory(tenant=tenant)
    with tenant_context(tenant):
        SupplierItem.objects.create(
            tenant=tenant, supplier=supplier, item=r.coffee, price=Decimal(1)
        )
        ReturningSupplier.objects.create(tenant=tenant, supplier=supplier)
    rma = r.inspected(grades=(("defective", 1),))
    with tenant_context(tenant):
        row = inspection.dispose(
            tenant=tenant, user=r.operator, inspection=r.inspections(rma)[0],
            disposition="return_to_vendor",
        )  # fmt: skip
    return {"pk": row.supplier_return_id}


def _return_policy(tenant) -> dict:
    from tests.factories import ReturnPolicyFactory

    return {"pk": ReturnPolicyFactory(customer=CustomerFactory(tenant=tenant)).pk}


def _disposition_rule(tenant) -> dict:
    from tests.factories import DispositionRuleFactory

    return {"pk": DispositionRuleFactory(tenant=tenant).pk}


def _webhook_endpoint(tenant) -> dict:
    from tests.factories import WebhookEndpointFactory

    return {"pk": WebhookEndpointFactory(tenant=tenant).pk}


def _webhook_delivery(tenant) -> dict:
    from erp.webhooks import events, services
    from tests.factories import WebhookEndpointFactory

    WebhookEndpointFactory(tenant=tenant)
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="receipt.posted", data={"receipt_line_id": 1})
        return {"pk": services.fan_out(tenant=tenant, event_id=event.pk)[0].pk}


# URL name -> builds the kwargs from a tenant (creating the object the URL names).
def _cost_layer(tenant) -> dict:
    from inventory.models import CostLayer

    site = SiteFactory(tenant=tenant)
    item = ItemFactory(tenant=tenant)
    receive(tenant, item, bin_in(tenant, site=site), 2)
    with tenant_context(tenant):
        layer = CostLayer.objects.get(item=item, site=site)
    return {"site_pk": site.pk, "item_pk": item.pk, "layer_pk": layer.pk}


# Arguments that name no tenant's row (a landing panel's key): no other tenant's to refuse.
NOT_TENANT_OBJECTS = {"reporting:landing_panel"}
OBJECT_URLS: dict[str, Callable] = {
    "reporting:landing_panel": lambda t: {"key": "open-work"},
    "api_tokens:detail": lambda t: {"pk": api_token(t)[0].pk},
    "api_tokens:revoke": lambda t: {"pk": api_token(t)[0].pk},
    "alerts:detail": _alert,
    "alerts:acknowledge": _alert,
    "alerts:resolve": _alert,
    "webhooks:detail": _webhook_endpoint,
    "webhooks:edit": _webhook_endpoint,
    "webhooks:test": _webhook_endpoint,
    "webhooks:rotate": _webhook_endpoint,
    "webhooks:delivery": _webhook_delivery,
    "webhooks:replay": _webhook_delivery,
    "users:detail": lambda t: {"pk": MembershipFactory(tenant=t).pk},
    "users:invitation_revoke": lambda t: {"pk": InvitationFactory(tenant=t).pk},
    "inventory:site_detail": lambda t: {"pk": SiteFactory(tenant=t).pk},
    "inventory:member_site": lambda t: {"pk": MembershipFactory(tenant=t).pk},
    "inventory:zone_detail": lambda t: {"pk": ZoneFactory(site=SiteFactory(tenant=t)).pk},
    "inventory:bin_detail": lambda t: {
        "pk": BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=t))).pk
    },
    "inventory:bin_label": lambda t: {
        "pk": BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=t))).pk
    },
    "inventory:bin_import_detail": lambda t: {"pk": _import_job(t).pk},
    "inventory:bin_import_start": lambda t: {"pk": _import_job(t).pk},
    "inventory:bin_import_resume": lambda t: {"pk": _import_job(t).pk},
    "inventory:item_detail": lambda t: {"pk": ItemFactory(tenant=t).pk},
    "inventory:item_edit": lambda t: {"pk": ItemFactory(tenant=t).pk},
    "inventory:unit_create": lambda t: {"pk": ItemFactory(tenant=t).pk},
    "inventory:unit_edit": lambda t: {"pk": ItemUnitFactory(item=ItemFactory(tenant=t)).pk},
    "inventory:unit_remove": lambda t: {"pk": ItemUnitFactory(item=ItemFactory(tenant=t)).pk},
    "inventory:item_import_detail": lambda t: {"pk": _import_job(t, "inventory.items").pk},
    "inventory:item_import_start": lambda t: {"pk": _import_job(t, "inventory.items").pk},
    "inventory:item_import_resume": lambda t: {"pk": _import_job(t, "inventory.items").pk},
    "inventory:adjustment_detail": lambda t: {"pk": _adjustment(t).pk},
    "inventory:adjustment_decide": lambda t: {"pk": _adjustment(t).pk},
    "inventory:transaction_detail": lambda t: {
        "pk": receive(t, ItemFactory(tenant=t), bin_in(t), 5).pk
    },
    "inventory:transaction_reverse": lambda t: {
        "pk": receive(t, ItemFactory(tenant=t), bin_in(t), 5).pk
    },
    "purchasing:supplier_detail": lambda t: {"pk": SupplierFactory(tenant=t).pk},
    "purchasing:supplier_item_add": lambda t: {"pk": SupplierFactory(tenant=t).pk},
    "purchasing:supplier_import_detail": lambda t: {
        "pk": _import_job(t, "purchasing.suppliers").pk
    },
    "purchasing:supplier_import_start": lambda t: {"pk": _import_job(t, "purchasing.suppliers").pk},
    "purchasing:supplier_import_resume": lambda t: {
        "pk": _import_job(t, "purchasing.suppliers").pk
    },
    "purchasing:supplier_item_import_detail": lambda t: {
        "pk": _import_job(t, "purchasing.supplier_items").pk
    },
    "purchasing:supplier_item_import_start": lambda t: {
        "pk": _import_job(t, "purchasing.supplier_items").pk
    },
    "purchasing:supplier_item_import_resume": lambda t: {
        "pk": _import_job(t, "purchasing.supplier_items").pk
    },
    "purchasing:supplier_item_edit": lambda t: {"pk": _supplier_item(t).pk},
    "purchasing:price_break_add": lambda t: {"pk": _supplier_item(t).pk},
    "purchasing:price_break_remove": lambda t: {"pk": _price_break(t).pk},
    "purchasing:order_detail": lambda t: {"pk": PurchaseOrderFactory(supplier__tenant=t).pk},
    "purchasing:order_add_line": lambda t: {"pk": PurchaseOrderFactory(supplier__tenant=t).pk},
    "purchasing:order_action": lambda t: {"pk": PurchaseOrderFactory(supplier__tenant=t).pk},
    "purchasing:order_pdf": lambda t: {"pk": PurchaseOrderFactory(supplier__tenant=t).pk},
    "purchasing:order_remove_line": lambda t: _order_line(t),
    "purchasing:suggestion_quantity": lambda t: {"pk": _suggestion(t).pk},
    "purchasing:suggestion_reject": lambda t: {"pk": _suggestion(t).pk},
    "purchasing:planning_run_detail": lambda t: {"pk": _suggestion(t).run_id},
    "warehouse:receive_order": lambda t: {"pk": _dock(t).order.pk},
    "warehouse:receiving_detail": lambda t: {"pk": _dock(t).order.pk},
    "warehouse:short_close": lambda t: (lambda d: {"pk": d.order.pk, "line_pk": d.line.pk})(
        _dock(t)
    ),
    "warehouse:putaway_task": lambda t: {"pk": _putaway_task(t).pk},
    "warehouse:work_detail": lambda t: {"pk": _work_task(t).pk},
    "warehouse:work_change": lambda t: {"pk": _work_task(t).pk},
    "warehouse:count_round": lambda t: {"pk": _count_round(t).pk},
    "warehouse:count_detail": lambda t: {"pk": _count_round(t).count_id},
    "warehouse:count_decide": lambda t: {"pk": _count_round(t).count_id},
    "warehouse:discrepancy_resolve": lambda t: {"pk": _discrepancy(t).pk},
    "warehouse:qc_inspect": lambda t: {"pk": _qc_balance(t).pk},
    "warehouse:rule_edit": lambda t: {"pk": _rule(t).pk},
    "warehouse:replenish_task": lambda t: {"pk": _replenishment(t).pk},
    "warehouse:face_edit": lambda t: {"pk": _pick_face(t)[1].pk},
    "warehouse:face_delete": lambda t: {"pk": _pick_face(t)[1].pk},
    "warehouse:face_import_detail": lambda t: {"pk": _import_job(t, "warehouse.pick_faces").pk},
    "warehouse:face_import_start": lambda t: {"pk": _import_job(t, "warehouse.pick_faces").pk},
    "warehouse:face_import_resume": lambda t: {"pk": _import_job(t, "warehouse.pick_faces").pk},
    "orders:customer_detail": lambda t: {"pk": CustomerFactory(tenant=t).pk},
    "orders:ship_to_create": lambda t: {"pk": CustomerFactory(tenant=t).pk},
    "orders:ship_to_edit": lambda t: {"pk": _ship_to(t).pk},
    "orders:customer_import_detail": lambda t: {"pk": _import_job(t, "orders.customers").pk},
    "orders:customer_import_start": lambda t: {"pk": _import_job(t, "orders.customers").pk},
    "orders:customer_import_resume": lambda t: {"pk": _import_job(t, "orders.customers").pk},
    "orders:order_detail": lambda t: {"pk": _sales_order(t)[0].pk},
    "orders:order_add_line": lambda t: {"pk": _sales_order(t)[0].pk},
    "orders:order_line_check": lambda t: {"pk": _sales_order(t)[0].pk},
    "orders:order_action": lambda t: {"pk": _sales_order(t)[0].pk},
    "orders:order_remove_line": lambda t: _sales_order_line(t),
    "warehouse:pick_task": lambda t: {"pk": _open_task(t).pk},
    "warehouse:pick_take_over": lambda t: {"pk": _open_task(t).batch_id},
    "warehouse:pick_start": lambda t: {"pk": _open_task(t).batch_id},
    "warehouse:pack_order": lambda t: {"pk": _floor(t).picked_order().pk},
    "warehouse:carton_close": _open_carton,
    "warehouse:carton_unpack": _open_carton,
    "warehouse:pack_finish": lambda t: {"pk": _floor(t).packed_order(finish=False).pk},
    "warehouse:ship_order": lambda t: {"pk": _floor(t).packed_order().pk},
    "warehouse:shipment_detail": lambda t: {"pk": _floor(t).shipment().pk},
    "warehouse:shipment_confirm": lambda t: {"pk": _floor(t).shipment().pk},
    "warehouse:wave_detail": lambda t: {"pk": _floor(t).released_wave().pk},
    "warehouse:wave_release": lambda t: {"pk": _floor(t).wave().pk},
    "warehouse:wave_cancel": lambda t: {"pk": _floor(t).wave().pk},
    "warehouse:exception_acknowledge": lambda t: {"pk": _short_pick(t).pk},
    "warehouse:pick_list": lambda t: {"pk": _open_task(t).batch_id},
    "warehouse:carton_label": lambda t: {"pk": _floor(t).packed_order().cartons[0].pk},
    "warehouse:packing_slip": lambda t: {"pk": _floor(t).shipment(confirm=True).pk},
    "warehouse:bill_of_lading": lambda t: {"pk": _floor(t).shipment().pk},
    "warehouse:transfer_detail": lambda t: _transfer(t, "shipped"),
    "warehouse:transfer_edit": lambda t: _transfer(t, "draft"),
    "warehouse:transfer_add_line": lambda t: _transfer(t, "draft"),
    "warehouse:transfer_remove_line": _transfer_line,
    "warehouse:transfer_release": lambda t: _transfer(t, "draft"),
    "warehouse:transfer_cancel": lambda t: _transfer(t, "released"),
    "warehouse:transfer_ship": lambda t: _transfer(t, "picked"),
    "warehouse:transfer_close": lambda t: _transfer(t, "partial"),
    "warehouse:transfer_pick": lambda t: _transfer(t, "released"),
    "warehouse:transfer_pack": lambda t: _transfer(t, "picked"),
    "warehouse:transfer_carton_unpack": _transfer_carton,
    "warehouse:transfer_receive": lambda t: _transfer(t, "shipped"),
    "warehouse:transfer_slip": lambda t: _transfer(t, "shipped"),
    "warehouse:transfer_label": lambda t: _transfer(t, "shipped"),
    "returns:rma_detail": _rma,
    "returns:rma_add_line": _rma,
    "returns:rma_remove_line": _rma_line,
    "returns:rma_authorise": _rma,
    "returns:rma_reject": _rma,
    "returns:rma_stop_receiving": _rma,
    "returns:rma_close": _rma,
    "returns:credit_propose": _rma,
    "returns:rma_inspect": lambda t: _rma(t, "received"),
    "returns:receive": lambda t: _rma(t, "authorised"),
    "returns:inspection_dispose": _inspection,
    "returns:supplier_return_ship": _supplier_return,
    "returns:credit_approve": _credit,
    "returns:credit_reject": _credit,
    "returns:policy_delete": _return_policy,
    "returns:rule_delete": _disposition_rule,
    "inventory:valuation_items": lambda t: {"site_pk": SiteFactory(tenant=t).pk},
    "inventory:valuation_layers": lambda t: {
        "site_pk": SiteFactory(tenant=t).pk,
        "item_pk": ItemFactory(tenant=t).pk,
    },
    "inventory:valuation_layer_entries": _cost_layer,
}


def _history_record(tenant) -> dict:
    """The audit trail's page of one change: an item's creation."""
    item = ItemFactory(tenant=tenant)
    with tenant_context(tenant):
        return {"source": "inventory.item", "history_id": item.history.latest().history_id}


def _own_audit_report(tenant, user, *, done=False):
    """An audit report `user` asked for (only they see it), with its file when `done`."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from reporting.models import AuditReport

    with tenant_context(tenant):
        report = AuditReport.objects.create(tenant=tenant, created_by=user, query="show=stock")
        if done:
            report.file_name = storages["reports"].save(
                f"{tenant.pk}/audit-{report.pk}.pdf", ContentFile(b"%PDF-1.4\n")
            )
            report.status = "done"
            report.save()
    return {"pk": report.pk}


OBJECT_URLS["reporting:audit_change"] = _history_record


# Pages of an object only its owner sees (others get 404): built per member, (tenant, user).
def _own_export(tenant, user, *, done=False):
    """An export job of `user`'s (only its owner sees it), with a stored file when `done`."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from erp.exports import services
    from erp.exports.models import ExportJob

    with tenant_context(tenant):
        job = ExportJob.objects.create(
            tenant=tenant, created_by=user, expires_at=timezone.now() + datetime.timedelta(1),
            path="/ledger/", query="export=csv", format="csv", filename="x.csv",
        )  # fmt: skip
        if done:
            job.stored_as = services.storage().save(
                f"{tenant.pk}/{job.pk}/x.csv", ContentFile("#\n")
            )
            job.status = "done"
            job.save()
    return {"pk": job.pk}


# Pages of an object only its owner sees (others get 404): built per member, (tenant, user).
OWN_OBJECT_URLS: dict[str, Callable] = {
    "reporting:audit_report": _own_audit_report,
    "reporting:audit_report_download": lambda t, u: _own_audit_report(t, u, done=True),
    "exports:detail": _own_export,
    "exports:download": lambda t, u: _own_export(t, u, done=True),
}
# Public pages that need arguments, and what to pass.
PUBLIC_WITH_ARGS = {
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    "invitations:open": {"token": "not-a-token"},
}
# Views that only accept POST (GET answers 405).
POST_ONLY = {
    "accounts:logout",
    "exports:start",
    "reporting:audit_report_start",
    "alerts:acknowledge",
    "alerts:resolve",
    "webhooks:test",
    "webhooks:rotate",
    "webhooks:replay",
    "switch_tenant",
    "invitations:answer",
    "users:invitation_revoke",
    "api_tokens:create",
    "api_tokens:revoke",
    "inventory:switch_site",
    "inventory:bin_labels",
    "inventory:bin_import_start",
    "inventory:bin_import_resume",
    "inventory:adjustment_decide",
    "inventory:transaction_reverse",
    "inventory:segment_recompute",
    "purchasing:order_add_line",
    "purchasing:order_action",
    "purchasing:suggestion_accept",
    "purchasing:suggestion_quantity",
    "purchasing:suggestion_reject",
    "purchasing:planning_run_start",
    "purchasing:order_remove_line",
    "purchasing:supplier_import_start",
    "purchasing:supplier_import_resume",
    "purchasing:supplier_item_import_start",
    "purchasing:supplier_item_import_resume",
    "purchasing:price_break_add",
    "purchasing:price_break_remove",
    "inventory:item_import_start",
    "inventory:item_import_resume",
    "warehouse:short_close",
    "warehouse:pick_take_over",
    "warehouse:pick_start",
    "warehouse:discrepancy_resolve",
    "warehouse:qc_inspect",
    "orders:customer_import_start",
    "orders:customer_import_resume",
    "orders:order_add_line",
    "orders:order_remove_line",
    "orders:order_action",
    "orders:pool_allocate",
    "orders:pool_release",
    "warehouse:carton_close",
    "warehouse:carton_unpack",
    "warehouse:pack_finish",
    "warehouse:shipment_confirm",
    "warehouse:wave_release",
    "warehouse:wave_cancel",
    "warehouse:exception_acknowledge",
    "warehouse:work_start",
    "warehouse:work_change",
    "warehouse:count_create",
    "warehouse:count_decide",
    "warehouse:face_delete",
    "warehouse:replenish_run",
    "warehouse:face_import_start",
    "warehouse:face_import_resume",
    "warehouse:transfer_edit",
    "warehouse:transfer_add_line",
    "warehouse:transfer_remove_line",
    "warehouse:transfer_release",
    "warehouse:transfer_cancel",
    "warehouse:transfer_ship",
    "warehouse:transfer_close",
    "warehouse:transfer_carton_unpack",
    "returns:rma_add_line",
    "returns:rma_remove_line",
    "returns:rma_authorise",
    "returns:rma_reject",
    "returns:rma_stop_receiving",
    "returns:rma_close",
    "returns:credit_propose",
    "returns:inspection_dispose",
    "returns:supplier_return_ship",
    "returns:credit_approve",
    "returns:credit_reject",
    "returns:policy_delete",
    "returns:rule_delete",
    "returns:returning_suppliers",
}


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _patterns(entry, ns)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


# Pages only: the API (namespace "api") answers tokens, not sessions, and has its own
# coverage in tests/api (every operation as every role's token, and another tenant's ids).
ALL = [(name, p) for name, p in _patterns(get_resolver()) if not name.startswith("api:")]


def test_every_url_declares_who_may_use_it():
    undeclared = [name for name, p in ALL if not hasattr(p.callback, "allowed_roles")]
    assert undeclared == [], "decorate these views with roles_required/any_member/public"
    needs_args = {name for name, p in ALL if p.pattern.converters or "<" in str(p.pattern)}
    unlisted = needs_args - set(OBJECT_URLS) - set(OWN_OBJECT_URLS) - set(PUBLIC_WITH_ARGS)
    assert unlisted == set(), f"add these to OBJECT_URLS: {sorted(unlisted)}"


@pytest.mark.parametrize("name,pattern", ALL, ids=[n for n, _ in ALL])
def test_url_renders_for_its_roles_and_refuses_the_others(name, pattern, client, tenant_a):
    allowed = pattern.callback.allowed_roles
    if name in OWN_OBJECT_URLS:
        for role in Role:
            user = member(tenant_a, role)
            url = reverse(name, kwargs=OWN_OBJECT_URLS[name](tenant_a, user))
            assert client.get(url).status_code == 302  # anonymous: sign in
            client.force_login(user)
            assert client.get(url).status_code == (200 if role in allowed else 403), role
            client.logout()
        return
    if allowed is None:  # public
        url = reverse(name, kwargs=PUBLIC_WITH_ARGS.get(name))
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code in (200, 302), response.status_code
        return

    def url_for_a_fresh_object():
        return reverse(name, kwargs=OBJECT_URLS[name](tenant_a) if name in OBJECT_URLS else None)

    # A refused request and a GET change nothing, so they share one object; only an allowed
    # POST may consume its object, and the next role then gets a fresh one. (Building the
    # object is most of this test's time: a packed order for a label, say.)
    shared = url_for_a_fresh_object()
    anonymous = client.get(shared)
    assert anonymous.status_code in (302, 405)
    for role in Role:
        url = url_for_a_fresh_object() if name in POST_ONLY and role in allowed else shared
        client.force_login(member(tenant_a, role))
        response = client.post(url) if name in POST_ONLY else client.get(url)
        if role in allowed:
            # An empty POST may be refused as invalid input (422): the view still ran.
            expected = (200, 302, 422) if name in POST_ONLY else (200,)
            assert response.status_code in expected, f"{role}: {response.status_code}"
            if name not in POST_ONLY:
                assert response.status_code == 200
        else:
            assert response.status_code == 403, f"{role} should be refused {name}"
        client.logout()


@pytest.mark.parametrize("name", sorted(set(OBJECT_URLS) - NOT_TENANT_OBJECTS))
def test_another_tenants_object_answers_404(name, client, tenant_a, tenant_b):
    pattern = dict(ALL)[name]
    kwargs = OBJECT_URLS[name](tenant_b)
    role = sorted(pattern.callback.allowed_roles)[0]
    client.force_login(member(tenant_a, role))
    url = reverse(name, kwargs=kwargs)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
