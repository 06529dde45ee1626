"""Each warehouse form that moves stock or makes a document, sent twice in a row and twice at
once, is done once and answers both alike (issue 9). Two operators (or a retry without the
form's key) sending the same receipt, pick or shipment at once never take stock twice."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.idempotency import FIELD, new_key
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import LocationKind, StockBalance, StockTransaction
from tests.concurrency import browser, sent_together
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import BinFactory, ZoneFactory, member
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.conftest import Dock
from tests.warehouse.outbound import Floor
from warehouse.models import (
    Carton,
    CartonLine,
    Discrepancy,
    PickBatch,
    PickTask,
    PutawayTask,
    ReceiptLine,
    Shipment,
    ShippingSettings,
    Wave,
    WaveOrder,
)
from warehouse.picking import services as picking
from warehouse.receiving import services as receiving

# Inbound ----------------------------------------------------------------------------------


def _receive_data(dock: Dock, quantity: int) -> dict:
    return {"scan": dock.item.sku, "quantity": str(quantity), "dock": dock.dock.pk,
            "key": uuid.uuid4().hex}  # fmt: skip


def receive(tenant) -> Form:
    dock = Dock(tenant)
    return Form(
        user=dock.operator,
        url=reverse("warehouse:receive_order", args=[dock.order.pk]),
        data=_receive_data(dock, 10),
        effect=reading(
            tenant,
            receipts=lambda: ReceiptLine.objects.count(),
            at_dock=lambda: on_hand(tenant, dock.item, dock.bin),
        ),
        before={"receipts": 0, "at_dock": 0},
        once={"receipts": 1, "at_dock": 10},
    )


def _received(dock: Dock, quantity: int):
    with tenant_context(dock.tenant):
        return receiving.receive(
            tenant=dock.tenant, user=dock.operator, order=dock.order, item=dock.item,
            quantity=Decimal(quantity), dock=dock.dock, scan_key=uuid.uuid4().hex,
        )  # fmt: skip


def putaway(tenant) -> Form:
    dock = Dock(tenant)
    receipt = _received(dock, 5)
    with tenant_context(tenant):
        task = receipt.putaway_tasks.get()
    shelf = BinFactory(zone=ZoneFactory(site=dock.order.site, code="STO"), code="R-01")
    return Form(
        user=dock.operator,
        url=reverse("warehouse:putaway_task", args=[task.pk]),
        data={"bin": shelf.code, "reason": "nearest free bin"},
        effect=reading(
            tenant,
            open_tasks=lambda: PutawayTask.objects.filter(state="open").count(),
            at_dock=lambda: on_hand(tenant, dock.item, dock.bin),
            on_shelf=lambda: on_hand(tenant, dock.item, shelf),
        ),
        before={"open_tasks": 1, "at_dock": 5, "on_shelf": 0},
        once={"open_tasks": 0, "at_dock": 0, "on_shelf": 5},
    )


def short_close(tenant) -> Form:
    dock = Dock(tenant)
    supervisor = member(tenant, Role.SUPERVISOR)
    return Form(
        user=supervisor,
        url=reverse("warehouse:short_close", args=[dock.order.pk, dock.line.pk]),
        data={"reason": "discontinued"},
        effect=reading(
            tenant,
            closed=lambda: type(dock.line).objects.get(pk=dock.line.pk).short_closed,
            discrepancies=lambda: Discrepancy.objects.count(),
        ),
        before={"closed": False, "discrepancies": 0},
        once={"closed": True, "discrepancies": 1},
    )


def discrepancy_resolve(tenant) -> Form:
    dock = Dock(tenant)
    # 200 received against 100 ordered with 5 % tolerance: 105 counted, 95 held as over-receipt.
    receipt = _received(dock, 200)
    with tenant_context(tenant):
        discrepancy = receipt.discrepancies.get(state="open")
    return Form(
        user=member(tenant, Role.SUPERVISOR),
        url=reverse("warehouse:discrepancy_resolve", args=[discrepancy.pk]),
        data={"decision": "accept", "resolution": "supplier credit agreed"},
        effect=reading(
            tenant,
            open=lambda: Discrepancy.objects.filter(state="open").count(),
            available=lambda: on_hand(tenant, dock.item, dock.bin),
            held=lambda: on_hand(tenant, dock.item, dock.bin, status="quarantine"),
        ),
        before={"open": 1, "available": 105, "held": 95},
        once={"open": 0, "available": 200, "held": 0},
    )


def qc_inspect(tenant) -> Form:
    dock = Dock(tenant)
    with tenant_context(tenant):
        ledger.post(
            tenant=tenant, user=None, kind="receipt",
            moves=[ledger.Move(
                item=dock.item, quantity=Decimal(4), unit_cost=Decimal(1),
                source=ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER),
                destination=dock.dock, destination_status="qc_hold",
            )],
        )  # fmt: skip
        balance = StockBalance.objects.get(item=dock.item, status="qc_hold")
    return Form(
        user=member(tenant, Role.SUPERVISOR),
        url=reverse("warehouse:qc_inspect", args=[balance.pk]),
        data={"quantity": "4", "decision": "release"},
        effect=reading(
            tenant,
            held=lambda: on_hand(tenant, dock.item, dock.bin, status="qc_hold"),
            available=lambda: on_hand(tenant, dock.item, dock.bin),
        ),
        before={"held": 4, "available": 0},
        once={"held": 0, "available": 4},
    )


# Outbound ---------------------------------------------------------------------------------


def wave_create(tenant) -> Form:
    floor = Floor(tenant)
    floor.released_order()
    return Form(
        user=floor.supervisor,
        url=reverse("warehouse:wave_create"),
        data={"site": floor.site.pk, "orders_per_batch": "4"},
        effect=reading(
            tenant, waves=lambda: Wave.objects.count(), orders=lambda: WaveOrder.objects.count()
        ),
        before={"waves": 0, "orders": 0},
        once={"waves": 1, "orders": 1},
    )


def wave_release(tenant) -> Form:
    floor = Floor(tenant)
    wave = floor.wave()
    return Form(
        user=floor.supervisor,
        url=reverse("warehouse:wave_release", args=[wave.pk]),
        data={},
        effect=reading(
            tenant,
            batches=lambda: PickBatch.objects.count(),
            tasks=lambda: PickTask.objects.count(),  # one per line: coffee and cups
        ),
        before={"batches": 0, "tasks": 0},
        once={"batches": 1, "tasks": 2},
    )


def wave_cancel(tenant) -> Form:
    floor = Floor(tenant)
    wave = floor.wave()
    return Form(
        user=floor.supervisor,
        url=reverse("warehouse:wave_cancel", args=[wave.pk]),
        data={},
        effect=reading(
            tenant,
            statuses=lambda: list(Wave.objects.values_list("status", flat=True)),
            history=lambda: Wave.history.filter(id=wave.pk).count(),
        ),
        before={"statuses": ["planned"], "history": 1},
        once={"statuses": ["cancelled"], "history": 2},
    )


def _started_pick(floor: Floor) -> PickTask:
    """The coffee pick (6 of lot L-2030-06 from P-01) of a released wave, its batch started."""
    task = next(t for t in floor.tasks(floor.released_wave()) if t.item_id == floor.coffee.pk)
    with tenant_context(floor.tenant):
        batch = PickBatch.objects.get(pk=task.batch_id)
        picking.start_batch(tenant=floor.tenant, user=floor.operator, batch=batch)
    return task


def _pick_data(floor: Floor) -> dict:
    return {"bin": floor.p1.code, "item": floor.coffee_gtin, "lot": floor.lot.code, "quantity": "6"}


def _pick_effect(floor: Floor):
    tenant = floor.tenant
    return reading(
        tenant,
        open_picks=lambda: PickTask.objects.filter(item=floor.coffee, state="open").count(),
        pick_face=lambda: on_hand(tenant, floor.coffee, floor.p1, lot=floor.lot),
        staging=lambda: on_hand(tenant, floor.coffee, floor.staging, lot=floor.lot),
    )


def pick(tenant) -> Form:
    floor = Floor(tenant)
    task = _started_pick(floor)
    return Form(
        user=floor.operator,
        url=reverse("warehouse:pick_task", args=[task.pk]),
        data=_pick_data(floor),
        effect=_pick_effect(floor),
        before={"open_picks": 1, "pick_face": 50, "staging": 0},
        once={"open_picks": 0, "pick_face": 44, "staging": 6},
    )


def _packed(tenant, order):
    with tenant_context(tenant):
        cartons = Carton.objects.filter(order=order)
        return {
            "cartons": cartons.count(),
            "packed": sum(CartonLine.objects.filter(carton__in=cartons).values_list("quantity", flat=True)),
        }  # fmt: skip


def pack(tenant) -> Form:
    floor = Floor(tenant)
    order = floor.picked_order()
    return Form(
        user=floor.operator,
        url=reverse("warehouse:pack_order", args=[order.pk]),
        data={"item": floor.cups.sku, "quantity": "4", "carton": "new"},
        effect=lambda: _packed(tenant, order),
        before={"cartons": 0, "packed": 0},
        once={"cartons": 1, "packed": 4},
    )


def carton_close(tenant) -> Form:
    floor = Floor(tenant)
    order = floor.packed_order(close=False)
    carton = order.cartons[0]
    with tenant_context(tenant):
        serial = ShippingSettings.objects.get().next_serial
    prefix = f"carton{carton.pk}"
    return Form(
        user=floor.operator,
        url=reverse("warehouse:carton_close", args=[order.pk, carton.pk]),
        data={
            f"{prefix}-weight_kg": "6.4",
            f"{prefix}-length_cm": "40",
            f"{prefix}-width_cm": "30",
            f"{prefix}-height_cm": "20",
        },
        effect=reading(
            tenant,
            closed=lambda: Carton.objects.exclude(status="open").count(),
            next_serial=lambda: ShippingSettings.objects.get().next_serial,  # one SSCC drawn
        ),
        before={"closed": 0, "next_serial": serial},
        once={"closed": 1, "next_serial": serial + 1},
    )


def pack_finish(tenant) -> Form:
    floor = Floor(tenant)
    order = floor.packed_order(finish=False)
    return Form(
        user=floor.operator,
        url=reverse("warehouse:pack_finish", args=[order.pk]),
        data={},
        effect=reading(tenant, status=lambda: type(order).objects.get(pk=order.pk).status),
        before={"status": "picking"},
        once={"status": "packed"},
    )


def _shipments(floor: Floor):
    return reading(
        floor.tenant,
        shipments=lambda: Shipment.objects.count(),
        on_a_shipment=lambda: Carton.objects.filter(shipment__isnull=False).count(),
    )


def ship_order(tenant) -> Form:
    floor = Floor(tenant)
    order = floor.packed_order()
    return Form(
        user=floor.operator,
        url=reverse("warehouse:ship_order", args=[order.pk]),
        data={"cartons": [str(c.pk) for c in order.cartons], "carrier": "UPS"},
        effect=_shipments(floor),
        before={"shipments": 0, "on_a_shipment": 0},
        once={"shipments": 1, "on_a_shipment": 2},
    )


def _shipped(floor: Floor):
    tenant = floor.tenant
    return reading(
        tenant,
        shipped=lambda: Shipment.objects.filter(status="shipped").count(),
        postings=lambda: StockTransaction.objects.filter(kind="shipment").count(),
        coffee_staged=lambda: on_hand(tenant, floor.coffee, floor.staging, lot=floor.lot),
        cups_staged=lambda: on_hand(tenant, floor.cups, floor.staging),
    )


def shipment_confirm(tenant) -> Form:
    floor = Floor(tenant)
    shipment = floor.shipment()
    return Form(
        user=floor.operator,
        url=reverse("warehouse:shipment_confirm", args=[shipment.pk]),
        data={},
        effect=_shipped(floor),
        # The order of 6 coffee and 4 cups waits at the packing bin until it ships.
        before={"shipped": 0, "postings": 0, "coffee_staged": 6, "cups_staged": 4},
        once={"shipped": 1, "postings": 1, "coffee_staged": 0, "cups_staged": 0},
    )


def carton_unpack(tenant) -> Form:
    floor = Floor(tenant)
    shipment = floor.shipment()
    coffee, cups = shipment.order.cartons
    return Form(
        user=floor.operator,
        url=reverse("warehouse:carton_unpack", args=[shipment.order.pk, cups.pk]),
        data={},
        effect=reading(tenant, cartons=lambda: list(Carton.objects.values_list("pk", flat=True))),
        before={"cartons": [coffee.pk, cups.pk]},
        once={"cartons": [coffee.pk]},
    )


FORMS = [
    receive, putaway, short_close, discrepancy_resolve, qc_inspect, wave_create, wave_release,
    wave_cancel, pick, pack, carton_close, pack_finish, ship_order, shipment_confirm, carton_unpack,
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))
    assert_ledger_clean(tenant_a)


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
    assert_ledger_clean(own_tenant)


# Different keys: two people, or a retry that lost the form's key ---------------------------


def _no_server_error(*responses) -> None:
    assert all(response.status_code < 500 for response in responses), [
        response.status_code for response in responses
    ]


def test_two_operators_receiving_at_once_stop_at_the_tolerance(own_tenant):
    dock = Dock(own_tenant)
    url = reverse("warehouse:receive_order", args=[dock.order.pk])
    ann, bob = browser(dock.operator), browser(member(own_tenant, Role.OPERATOR))
    forms = [{**_receive_data(dock, 60), FIELD: new_key()} for _ in range(2)]
    responses = sent_together([lambda: ann.post(url, forms[0]), lambda: bob.post(url, forms[1])])
    _no_server_error(*responses)
    # 120 came in against 100 ordered with 5 % tolerance: 105 counted, 15 held aside.
    assert on_hand(own_tenant, dock.item, dock.bin) == 105
    assert on_hand(own_tenant, dock.item, dock.bin, status="quarantine") == 15
    with tenant_context(own_tenant):
        assert ReceiptLine.objects.count() == 2
    assert_ledger_clean(own_tenant)


def test_a_pick_and_its_keyless_retry_at_once_pick_once(own_tenant):
    floor = Floor(own_tenant)
    task = _started_pick(floor)
    url = reverse("warehouse:pick_task", args=[task.pk])
    scanner, retry = browser(floor.operator), browser(floor.operator)
    data = _pick_data(floor)
    responses = sent_together(
        [lambda: scanner.post(url, {**data, FIELD: new_key()}), lambda: retry.post(url, data)]
    )
    _no_server_error(*responses)
    assert _pick_effect(floor)() == {"open_picks": 0, "pick_face": 44, "staging": 6}
    assert_ledger_clean(own_tenant)


def test_two_shippers_at_once_make_one_shipment_and_ship_it_once(own_tenant):
    floor = Floor(own_tenant)
    order = floor.packed_order()
    ann, bob = browser(floor.operator), browser(member(own_tenant, Role.SUPERVISOR))
    url = reverse("warehouse:ship_order", args=[order.pk])
    data = {"cartons": [str(c.pk) for c in order.cartons], "carrier": "UPS"}
    made = sent_together(
        [lambda: ann.post(url, {**data, FIELD: new_key()}),
         lambda: bob.post(url, {**data, FIELD: new_key()})]
    )  # fmt: skip
    _no_server_error(*made)
    assert _shipments(floor)() == {"shipments": 1, "on_a_shipment": 2}
    with tenant_context(own_tenant):
        confirm = reverse("warehouse:shipment_confirm", args=[Shipment.objects.get().pk])
    shipped = sent_together(
        [lambda: ann.post(confirm, {FIELD: new_key()}), lambda: bob.post(confirm, {FIELD: new_key()})]
    )  # fmt: skip
    _no_server_error(*shipped)
    assert _shipped(floor)() == {
        "shipped": 1, "postings": 1, "coffee_staged": 0, "cups_staged": 0,
    }  # fmt: skip
    assert_ledger_clean(own_tenant)
