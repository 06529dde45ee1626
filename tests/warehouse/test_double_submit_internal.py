"""The internal-operations forms (counts, replenishment, transfers, the task queue) sent twice
in a row and twice at once are done once and answer both alike (issue 9's rule, applied to
the flows issue 11 added)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory.models import DefaultSite, StockTransaction
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.counting import Shelf
from tests.warehouse.faces import Faces
from tests.warehouse.transfer_sites import Sites
from warehouse.counting import services as counting
from warehouse.models import (
    Count,
    CountedLine,
    CountSettings,
    PickFace,
    Replenishment,
    TransferCarton,
    TransferLine,
    TransferOrder,
    TransferPick,
    WorkTask,
)
from warehouse.transfers import cartons

# Counts ----------------------------------------------------------------------------------


def count_create(tenant) -> Form:
    shelf = Shelf(tenant)
    return Form(
        user=shelf.supervisor,
        url=reverse("warehouse:count_create"),
        data={"site": shelf.site.pk, "bin": "S-01", "reason": "looks low"},
        effect=reading(tenant, counts=lambda: Count.objects.count()),
        before={"counts": 0},
        once={"counts": 1},
    )


def count_line(tenant) -> Form:
    shelf = Shelf(tenant)
    count = shelf.open()
    round = shelf.round(count)
    with tenant_context(tenant):
        counting.scan_bin(tenant=tenant, user=shelf.counter, round=round, location=shelf.location)
    return Form(
        user=shelf.counter,
        url=reverse("warehouse:count_round", args=[round.pk]),
        data={"action": "line", "item": shelf.item.sku, "quantity": "9"},
        effect=reading(
            tenant,
            lines=lambda: list(CountedLine.objects.values_list("quantity", flat=True)),
        ),
        before={"lines": []},
        once={"lines": [Decimal(9)]},
    )


def count_decide(tenant) -> Form:
    with tenant_context(tenant):
        # 7 found of 10 is within a tolerance of 5: no recount, straight to approval.
        CountSettings.objects.create(tenant=tenant, quantity_tolerance=Decimal(5))
    shelf = Shelf(tenant)
    count = shelf.count(shelf.open(), {shelf.item: 7})
    return Form(
        user=shelf.supervisor,
        url=reverse("warehouse:count_decide", args=[count.pk]),
        data={"action": "approve", "note": "shelf checked"},
        effect=reading(
            tenant,
            status=lambda: Count.objects.get().status,
            postings=lambda: StockTransaction.objects.filter(reference=f"COUNT-{count.pk}").count(),
            in_bin=lambda: on_hand(tenant, shelf.item, shelf.bin),
        ),
        before={"status": "counted", "postings": 0, "in_bin": 10},
        once={"status": "approved", "postings": 1, "in_bin": 7},
    )


# Replenishment ---------------------------------------------------------------------------


def replenish(tenant) -> Form:
    floor = Faces(tenant, stock=1)
    floor.face(floor.coffee, floor.p1, 10, 40)
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)
    (task,) = floor.run()  # 39 wanted: 4 cases of 12
    return Form(
        user=floor.operator,
        url=reverse("warehouse:replenish_task", args=[task.pk]),
        data={
            "source": "R-01",
            "item": floor.coffee.sku,
            "lot": floor.lot.code,
            "quantity": "48",
            "destination": "P-01",
        },
        effect=reading(
            tenant,
            state=lambda: Replenishment.objects.get(pk=task.pk).state,
            face=lambda: on_hand(tenant, floor.coffee, floor.p1, lot=floor.lot),
        ),
        before={"state": "open", "face": 1},
        once={"state": "done", "face": 49},
    )


def face_create(tenant) -> Form:
    floor = Faces(tenant)
    return Form(
        user=floor.supervisor,
        url=reverse("warehouse:face_create"),
        data={
            "site": floor.p1.zone.site_id,
            "bin": "P-01",
            "item": floor.coffee.sku,
            "min_quantity": "12",
            "max_quantity": "36",
            "unit": "case",
        },
        effect=reading(tenant, faces=lambda: PickFace.objects.count()),
        before={"faces": 0},
        once={"faces": 1},
    )


# Transfers -------------------------------------------------------------------------------


def _transfer(tenant, **reads):
    return reading(tenant, status=lambda: TransferOrder.objects.get().status, **reads)


def transfer_create(tenant) -> Form:
    sites = Sites(tenant)
    return Form(
        user=sites.supervisor,
        url=reverse("warehouse:transfer_create"),
        data={
            "from_site": sites.source.pk,
            "to_site": sites.destination.pk,
            "expected_date": "2030-01-15",
            "note": "",
        },
        effect=reading(tenant, transfers=lambda: TransferOrder.objects.count()),
        before={"transfers": 0},
        once={"transfers": 1},
    )


def transfer_add_line(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.draft(lines=())
    return Form(
        user=sites.supervisor,
        url=reverse("warehouse:transfer_add_line", args=[transfer.pk]),
        data={"item": sites.item.pk, "quantity": "3", "unit": ""},
        effect=reading(tenant, lines=lambda: TransferLine.objects.count()),
        before={"lines": 0},
        once={"lines": 1},
    )


def transfer_release(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.draft()
    return Form(
        user=sites.supervisor,
        url=reverse("warehouse:transfer_release", args=[transfer.pk]),
        data={},
        effect=_transfer(tenant),
        before={"status": "draft"},
        once={"status": "released"},
    )


def transfer_pick(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.released(lines=((None, 10, ""),))
    return Form(
        user=sites.operator,
        url=reverse("warehouse:transfer_pick", args=[transfer.pk]),
        data={"bin": "R-01", "item": sites.item.sku, "quantity": "10"},
        effect=_transfer(tenant, picked=lambda: sum(p.picked for p in TransferPick.objects.all())),
        before={"status": "released", "picked": 0},
        once={"status": "picked", "picked": 10},
    )


def transfer_ship(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.picked()
    return Form(
        user=sites.operator,
        url=reverse("warehouse:transfer_ship", args=[transfer.pk]),
        data={},
        effect=_transfer(
            tenant,
            r1=lambda: on_hand(tenant, sites.item, sites.r1),
            r2=lambda: on_hand(tenant, sites.item, sites.r2),
        ),
        # 12 BOLT: all 10 of R-01's first cost layer, then 2 from R-02.
        before={"status": "picked", "r1": 10, "r2": 10},
        once={"status": "shipped", "r1": 0, "r2": 8},
    )


def transfer_receive(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.shipped()
    return Form(
        user=sites.operator,
        url=reverse("warehouse:transfer_receive", args=[transfer.pk]),
        data={"item": sites.item.sku, "quantity": "8", "bin": "DOCK-1", "key": "scan-1"},
        effect=_transfer(tenant, dock=lambda: on_hand(tenant, sites.item, sites.dock)),
        before={"status": "shipped", "dock": 0},
        once={"status": "partially_received", "dock": 8},
    )


def transfer_cancel(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.released()
    return Form(
        user=sites.supervisor,
        url=reverse("warehouse:transfer_cancel", args=[transfer.pk]),
        data={"reason": "ATL restocked locally"},
        effect=_transfer(tenant),
        before={"status": "released"},
        once={"status": "cancelled"},
    )


def transfer_close(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.shipped()
    sites.receive(transfer, 10)
    return Form(
        user=sites.supervisor,
        url=reverse("warehouse:transfer_close", args=[transfer.pk]),
        data={"missing": "write_off", "reason": "2 lost on the way"},
        effect=_transfer(
            tenant,
            written_off=lambda: TransferLine.objects.get().written_off_base,
            postings=lambda: StockTransaction.objects.count(),
        ),
        # Receipts: 3 at setup, ship, receive; the write-off is one more.
        before={"status": "partially_received", "written_off": 0, "postings": 5},
        once={"status": "closed", "written_off": 2, "postings": 6},
    )


def _packed(tenant, transfer) -> list:
    return [
        (carton.number, sorted(line.quantity for line in carton.lines.all()))
        for carton in TransferCarton.objects.filter(transfer=transfer).order_by("number")
    ]


def transfer_pack(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.picked()
    return Form(
        user=sites.operator,
        url=reverse("warehouse:transfer_pack", args=[transfer.pk]),
        data={"item": sites.item.sku, "quantity": "5", "carton": "new"},
        effect=reading(tenant, cartons=lambda: _packed(tenant, transfer)),
        before={"cartons": []},
        once={"cartons": [(1, [Decimal(5)])]},
    )


def transfer_carton_unpack(tenant) -> Form:
    sites = Sites(tenant)
    transfer = sites.picked()
    with tenant_context(tenant):
        carton, _item, _base = cartons.pack_scanned(
            tenant=tenant, user=sites.operator, transfer=transfer, code=sites.item.sku,
            quantity=Decimal(12), carton=None, lot_code="", serial_code="",
        )  # fmt: skip
    return Form(
        user=sites.operator,
        url=reverse("warehouse:transfer_carton_unpack", args=[transfer.pk, carton.pk]),
        data={},
        effect=reading(tenant, cartons=lambda: _packed(tenant, transfer)),
        # 12 BOLT were picked as 10 from R-01 and 2 from R-02: a carton line per pick.
        before={"cartons": [(1, [Decimal(2), Decimal(10)])]},
        once={"cartons": []},
    )


# The task queue --------------------------------------------------------------------------


def work_start(tenant) -> Form:
    shelf = Shelf(tenant)
    count = shelf.open()
    with tenant_context(tenant):
        DefaultSite.objects.create(
            tenant=tenant, membership=shelf.counter.memberships.get(), site=shelf.site
        )
        entry = WorkTask.objects.get(kind="count", reference=shelf.round(count).pk)

    def status():
        task = WorkTask.objects.get(pk=entry.pk)
        return task.status, task.assignee_id == shelf.counter.pk, task.history.count()

    return Form(
        user=shelf.counter,
        url=reverse("warehouse:work_start"),
        data={"task": entry.pk},
        effect=reading(tenant, task=status),
        before={"task": ("open", False, 1)},
        once={"task": ("started", True, 2)},
    )


FORMS = [
    count_create, count_line, count_decide, replenish, face_create, transfer_create,
    transfer_add_line, transfer_release, transfer_pick, transfer_ship, transfer_receive,
    transfer_cancel, transfer_close, transfer_pack, transfer_carton_unpack, work_start,
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
