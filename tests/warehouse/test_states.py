"""The warehouse's transitions tables (warehouse/states.py): every move a table allows is made
by its service and leaves a history row naming who and why; a move outside the table is
refused by name and changes nothing; the buttons offered are the moves the member may make
now. (The putaway task's table is checked in test_putaway_states.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.errors import InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from tests.inventory.stock import receive
from tests.warehouse.outbound import Floor
from warehouse.models import (
    Carton,
    Discrepancy,
    PickBatch,
    PickTask,
    Shipment,
    Wave,
)
from warehouse.packing import services as packing
from warehouse.picking import services as picking
from warehouse.picking import waves
from warehouse.receiving import services as receiving
from warehouse.shipping import services as shipping
from warehouse.states import available_actions

pytestmark = pytest.mark.django_db


def _history(tenant, model, pk) -> list[tuple[str, str, object, str]]:
    """(status, history type, who, why) of each history row of one document, oldest first."""
    field = "state" if model in (PickTask, Discrepancy) else "status"
    with tenant_context(tenant):
        rows = model.history.filter(id=pk).order_by("history_id").select_related("history_user")
        return [
            (getattr(r, field), r.history_type, r.history_user, r.history_change_reason)
            for r in rows
        ]


def _pick_all(floor: Floor, batch: PickBatch, user) -> None:
    with tenant_context(floor.tenant):
        for task in PickTask.objects.filter(batch=batch, state="open").order_by("sequence"):
            picking.confirm_pick(tenant=floor.tenant, user=user, task=task, quantity=task.quantity)


# Wave ----------------------------------------------------------------------------------------


def test_a_planned_wave_is_released(tenant_a):
    floor = Floor(tenant_a)
    wave = floor.wave()
    with tenant_context(tenant_a):
        waves.release_wave(tenant=tenant_a, user=floor.supervisor, wave=wave)
    assert _history(tenant_a, Wave, wave.pk)[-1] == ("released", "~", floor.supervisor, "release")


def test_a_planned_wave_is_cancelled_and_its_order_goes_into_another(tenant_a):
    floor = Floor(tenant_a)
    order = floor.released_order()
    wave = floor.wave(order)
    with tenant_context(tenant_a):
        waves.cancel_wave(tenant=tenant_a, user=floor.supervisor, wave=wave, reason="truck late")
        again = waves.create_wave(tenant=tenant_a, user=floor.supervisor, site=floor.site)
        assert list(again.wave_orders.values_list("order_id", flat=True)) == [order.pk]
    assert _history(tenant_a, Wave, wave.pk)[-1] == (
        "cancelled",
        "~",
        floor.supervisor,
        "cancel: truck late",
    )


def test_a_released_wave_is_done_when_its_last_order_ships(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    with tenant_context(tenant_a):
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
        wave = Wave.objects.get()
    assert _history(tenant_a, Wave, wave.pk)[-1] == (
        "done",
        "~",
        floor.operator,
        f"finish: every order shipped ({shipment.order.number} last)",
    )


def test_cancelling_a_released_wave_is_refused_by_name(tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        waves.cancel_wave(tenant=tenant_a, user=floor.supervisor, wave=wave)
    assert str(refused.value) == f"{wave.number} cannot go from released to cancelled."
    with tenant_context(tenant_a):
        assert Wave.objects.get(pk=wave.pk).status == "released"


def test_an_operator_cannot_cancel_a_wave(tenant_a):
    floor = Floor(tenant_a)
    wave = floor.wave()
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        waves.cancel_wave(tenant=tenant_a, user=floor.operator, wave=wave)
    with tenant_context(tenant_a):
        assert Wave.objects.get(pk=wave.pk).status == "planned"


def test_the_wave_page_offers_release_and_cancel_while_planned(client, tenant_a):
    floor = Floor(tenant_a)
    wave = floor.wave()
    client.force_login(floor.supervisor)
    page = client.get(reverse("warehouse:wave_detail", args=[wave.pk])).content.decode()
    cancel = reverse("warehouse:wave_cancel", args=[wave.pk])
    assert f'action="{reverse("warehouse:wave_release", args=[wave.pk])}"' in page
    assert f'action="{cancel}"' in page and 'class="danger">Cancel wave</button>' in page
    answer = client.post(cancel, follow=True).content.decode()
    assert f"Wave {wave.number} cancelled: its orders can go into another wave." in answer
    assert "Release wave" not in answer and "Cancel wave" not in answer


# Pick batch ----------------------------------------------------------------------------------


@pytest.fixture
def batch(tenant_a):
    floor = Floor(tenant_a)
    floor.released_wave()
    with tenant_context(tenant_a):
        return floor, PickBatch.objects.select_related("wave").get()


def test_an_open_batch_is_started_by_its_picker(tenant_a, batch):
    floor, batch = batch
    with tenant_context(tenant_a):
        picking.start_batch(tenant=tenant_a, user=floor.operator, batch=batch)
    assert _history(tenant_a, PickBatch, batch.pk)[-1] == (
        "claimed",
        "~",
        floor.operator,
        "start",
    )


def test_a_claimed_batch_is_taken_over_by_another_picker(tenant_a, batch):
    floor, batch = batch
    ann = member(tenant_a, Role.OPERATOR, user__full_name="Ann Lee")
    with tenant_context(tenant_a):
        picking.start_batch(tenant=tenant_a, user=floor.operator, batch=batch)
        taken = picking.take_over(tenant=tenant_a, user=ann, batch=batch)
    assert taken.picker_id == ann.pk
    assert _history(tenant_a, PickBatch, batch.pk)[-1] == (
        "claimed",
        "~",
        ann,
        f"take_over: from {floor.operator.get_short_name()}",
    )


def test_a_claimed_batch_is_done_with_its_last_pick(tenant_a, batch):
    floor, batch = batch
    with tenant_context(tenant_a):
        picking.start_batch(tenant=tenant_a, user=floor.operator, batch=batch)
    _pick_all(floor, batch, floor.operator)
    with tenant_context(tenant_a):
        assert PickBatch.objects.get(pk=batch.pk).done_at is not None
    assert _history(tenant_a, PickBatch, batch.pk)[-1] == ("done", "~", floor.operator, "finish")


def test_an_open_batch_picked_without_a_start_is_done_too(tenant_a, batch):
    floor, batch = batch
    _pick_all(floor, batch, floor.supervisor)
    assert [status for status, *_ in _history(tenant_a, PickBatch, batch.pk)] == ["open", "done"]


def test_a_short_pick_that_finds_stock_elsewhere_keeps_the_batch_open(tenant_a):
    floor = Floor(tenant_a, stock=6)
    receive(tenant_a, floor.coffee, floor.reserve, 10, lot=floor.lot)
    wave = floor.released_wave()
    coffee, cups = floor.tasks(wave)
    with tenant_context(tenant_a):
        for task, found in ((cups, 4), (coffee, 4)):
            picking.confirm_pick(
                tenant=tenant_a, user=floor.operator, task=task, quantity=Decimal(found)
            )
        assert PickBatch.objects.get().status == "open"  # the extra task from R-01 waits
        extra = PickTask.objects.get(state="open")
        picking.confirm_pick(tenant=tenant_a, user=floor.operator, task=extra, quantity=2)
        assert PickBatch.objects.get().status == "done"


def test_taking_over_a_batch_nobody_holds_is_refused_by_name(tenant_a, batch):
    floor, batch = batch
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        picking.take_over(tenant=tenant_a, user=floor.operator, batch=batch)
    assert str(refused.value) == f"Batch {batch.wave.number}-1 cannot go from open to claimed."
    with tenant_context(tenant_a):
        assert PickBatch.objects.get(pk=batch.pk).picker_id is None


# Pick task -----------------------------------------------------------------------------------


def test_an_open_task_is_picked_in_full_or_short(tenant_a):
    floor = Floor(tenant_a)
    coffee, cups = floor.tasks(floor.released_wave())
    with tenant_context(tenant_a):
        picking.confirm_pick(tenant=tenant_a, user=floor.operator, task=coffee, quantity=6)
        picking.confirm_pick(tenant=tenant_a, user=floor.operator, task=cups, quantity=1)
    assert _history(tenant_a, PickTask, coffee.pk)[-1] == ("done", "~", floor.operator, "pick")
    assert _history(tenant_a, PickTask, cups.pk)[-1] == ("short", "~", floor.operator, "short")


def test_picking_a_picked_task_again_is_refused_by_name(tenant_a):
    floor = Floor(tenant_a)
    task = floor.tasks(floor.released_wave())[0]
    with tenant_context(tenant_a):
        picking.confirm_pick(tenant=tenant_a, user=floor.operator, task=task, quantity=6)
        with pytest.raises(InvalidTransition) as refused:
            picking.confirm_pick(tenant=tenant_a, user=floor.operator, task=task, quantity=6)
    assert str(refused.value) == f"Pick task #{task.pk} cannot go from picked to picked."
    # Tasks are made in bulk, without a row of their own: the pick is the only one.
    assert _history(tenant_a, PickTask, task.pk) == [("done", "~", floor.operator, "pick")]


# Carton and shipment -------------------------------------------------------------------------


def test_an_open_carton_is_closed_with_an_sscc(tenant_a):
    floor = Floor(tenant_a)
    carton = floor.packed_order(close=False, finish=False).cartons[0]
    with tenant_context(tenant_a):
        closed = packing.close_carton(
            tenant=tenant_a, user=floor.operator, carton=carton, weight_kg=Decimal(6)
        )
    assert closed.sscc.startswith("30614141")
    assert _history(tenant_a, Carton, carton.pk) == [
        ("open", "+", None, None),
        ("closed", "~", floor.operator, "close"),
    ]


@pytest.mark.parametrize("close", [False, True], ids=["open", "closed"])
def test_a_carton_not_shipped_is_unpacked_and_dropped(tenant_a, close):
    floor = Floor(tenant_a)
    carton = floor.packed_order(close=close, finish=False).cartons[0]
    with tenant_context(tenant_a):
        packing.unpack_carton(tenant=tenant_a, user=floor.operator, carton=carton)
        assert not Carton.objects.filter(pk=carton.pk).exists()
    status = "closed" if close else "open"
    assert _history(tenant_a, Carton, carton.pk)[-1] == (status, "-", floor.operator, "unpack")


def test_a_confirmed_shipment_ships_its_cartons(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    with tenant_context(tenant_a):
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
        cartons = list(Carton.objects.filter(shipment=shipment).values_list("pk", flat=True))
    assert _history(tenant_a, Shipment, shipment.pk)[-1] == (
        "shipped",
        "~",
        floor.operator,
        "confirm",
    )
    assert len(cartons) == 2
    for pk in cartons:
        assert _history(tenant_a, Carton, pk)[-1] == (
            "shipped",
            "~",
            floor.operator,
            f"ship: {shipment.number}",
        )


def test_a_shipment_whose_last_carton_is_unpacked_is_dropped(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    first, last = shipment.order.cartons
    with tenant_context(tenant_a):
        for carton in (first, last):
            packing.unpack_carton(tenant=tenant_a, user=floor.operator, carton=carton)
        assert not Shipment.objects.exists()
    assert _history(tenant_a, Shipment, shipment.pk)[-1] == (
        "open",
        "-",
        floor.operator,
        f"drop: carton {last.sscc} unpacked",
    )


def test_confirming_a_shipped_shipment_is_refused_by_name(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment(confirm=True)
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
    assert str(refused.value) == f"{shipment.number} cannot go from shipped to shipped."
    assert len(_history(tenant_a, Shipment, shipment.pk)) == 2  # created, shipped once


def test_unpacking_a_shipped_carton_is_refused_by_name(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    carton = shipment.order.cartons[0]
    with tenant_context(tenant_a):
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        packing.unpack_carton(tenant=tenant_a, user=floor.operator, carton=carton)
    assert str(refused.value) == f"Carton {carton.sscc} cannot go from shipped to unpacked."
    with tenant_context(tenant_a):
        assert Carton.objects.get(pk=carton.pk).lines.count() == 1


def test_the_shipment_page_offers_confirm_only_while_open(client, tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    client.force_login(floor.operator)
    url = reverse("warehouse:shipment_detail", args=[shipment.pk])
    confirm = reverse("warehouse:shipment_confirm", args=[shipment.pk])
    assert f'action="{confirm}"' in client.get(url).content.decode()
    client.post(confirm)
    assert f'action="{confirm}"' not in client.get(url).content.decode()


# Discrepancy ---------------------------------------------------------------------------------


@pytest.fixture
def held(dock):
    """An over-receipt above tolerance, waiting for a supervisor."""
    with tenant_context(dock.tenant):
        receiving.receive(
            tenant=dock.tenant, user=dock.operator, order=dock.order, item=dock.item,
            quantity=Decimal(110), dock=dock.dock, scan_key="over",
        )  # fmt: skip
        return Discrepancy.objects.get(state="open")


@pytest.mark.parametrize(("accept", "state"), [(True, "accepted"), (False, "rejected")])
def test_an_open_discrepancy_is_decided_by_a_supervisor(dock, held, accept, state):
    supervisor = member(dock.tenant, Role.SUPERVISOR)
    with tenant_context(dock.tenant):
        receiving.resolve_discrepancy(
            tenant=dock.tenant, user=supervisor, discrepancy=held, accept=accept,
            resolution="supplier agreed",
        )  # fmt: skip
    action = "accept" if accept else "reject"
    assert _history(dock.tenant, Discrepancy, held.pk)[-1] == (
        state,
        "~",
        supervisor,
        f"{action}: supplier agreed",
    )


def test_rejecting_an_accepted_discrepancy_is_refused_by_name(dock, held):
    supervisor = member(dock.tenant, Role.SUPERVISOR)
    with tenant_context(dock.tenant):
        receiving.resolve_discrepancy(
            tenant=dock.tenant, user=supervisor, discrepancy=held, accept=True
        )
        with pytest.raises(InvalidTransition) as refused:
            receiving.resolve_discrepancy(
                tenant=dock.tenant, user=supervisor, discrepancy=held, accept=False
            )
        assert Discrepancy.objects.get(pk=held.pk).state == "accepted"
    assert str(refused.value) == f"Discrepancy #{held.pk} cannot go from accepted to rejected."


def test_the_discrepancy_list_offers_the_decisions_of_open_ones_only(client, dock, held):
    with tenant_context(dock.tenant):
        decided = Discrepancy.objects.create(
            tenant=dock.tenant, kind="damaged", state="rejected", order=dock.order,
            item=dock.item, quantity=Decimal(1), reason="dented", created_by=dock.operator,
        )  # fmt: skip
    client.force_login(member(dock.tenant, Role.SUPERVISOR))
    page = client.get(reverse("warehouse:discrepancy_list") + "?state=all").content.decode()
    assert reverse("warehouse:discrepancy_resolve", args=[held.pk]) in page
    assert reverse("warehouse:discrepancy_resolve", args=[decided.pk]) not in page
    assert (
        '<option value="accept">Accept into stock</option><option value="reject">Reject</option>'
        in page
    )


# What each page offers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "role", "offered"),
    [
        (Wave(status="planned"), Role.SUPERVISOR, ["release", "cancel"]),
        (Wave(status="planned"), Role.OPERATOR, []),
        (Wave(status="released"), Role.ADMIN, []),
        (PickBatch(status="open"), Role.OPERATOR, ["start"]),
        (PickBatch(status="claimed"), Role.SUPERVISOR, ["take_over"]),
        # An admin looks at the floor's queue; starting batches is the floor's.
        (PickBatch(status="open"), Role.ADMIN, []),
        (PickBatch(status="done"), Role.OPERATOR, []),
        (PickTask(state="open"), Role.OPERATOR, []),  # picked from the scanner form
        (Carton(status="open"), Role.OPERATOR, ["close", "unpack"]),
        (Carton(status="closed"), Role.ADMIN, ["unpack"]),
        (Carton(status="shipped"), Role.OPERATOR, []),
        (Carton(status="open"), Role.FINANCE, []),
        (Shipment(status="open"), Role.OPERATOR, ["confirm"]),
        (Shipment(status="shipped"), Role.OPERATOR, []),
        (Discrepancy(state="open"), Role.SUPERVISOR, ["accept", "reject"]),
        (Discrepancy(state="open"), Role.OPERATOR, []),
        (Discrepancy(state="accepted"), Role.ADMIN, []),
    ],
    ids=lambda value: (
        f"{type(value).__name__}-{getattr(value, 'status', None) or value.state}"
        if hasattr(value, "_meta")
        else None
    ),
)
def test_available_actions_are_the_tables_moves_for_the_member(tenant_a, document, role, offered):
    user = member(tenant_a, role)
    with tenant_context(tenant_a):
        actions = available_actions(document, tenant=tenant_a, user=user)
    assert [action.name for action in actions] == offered
