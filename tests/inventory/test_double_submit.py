"""Each inventory form that moves stock or makes a record, sent twice in a row and twice at
once, is done once and answers both alike (issue 9)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, Bin, Item, StockTransaction
from inventory.services import adjustments
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import ItemFactory, ZoneFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, loc, on_hand, receive


def adjustment_create(tenant) -> Form:
    item, bin = ItemFactory(tenant=tenant), bin_in(tenant)
    return Form(
        user=member(tenant, Role.SUPERVISOR),
        url=reverse("inventory:adjustment_create"),
        data={
            "site": bin.site_id,
            "bin": bin.code,
            "item": item.sku,
            "quantity": "5",
            "status": "available",
            "reason_code": "found",
        },
        effect=reading(
            tenant,
            adjustments=lambda: Adjustment.objects.count(),
            in_bin=lambda: on_hand(tenant, item, bin),
        ),
        before={"adjustments": 0, "in_bin": 0},
        once={"adjustments": 1, "in_bin": 5},
    )


def adjustment_decide(tenant) -> Form:
    item, bin = ItemFactory(tenant=tenant, standard_cost=Decimal("2.50")), bin_in(tenant)
    with tenant_context(tenant):
        # 400 at 2.50 is 1,000, above the default threshold of 500: it waits for approval.
        waiting = adjustments.request_adjustment(
            tenant=tenant, user=member(tenant, Role.SUPERVISOR), item=item,
            location=loc(bin), quantity=Decimal(400), reason_code="found",
        )  # fmt: skip
    return Form(
        user=member(tenant, Role.SUPERVISOR),
        url=reverse("inventory:adjustment_decide", args=[waiting.pk]),
        data={"decision": "approve"},
        effect=reading(
            tenant,
            state=lambda: Adjustment.objects.get().state,
            in_bin=lambda: on_hand(tenant, item, bin),
        ),
        before={"state": "pending", "in_bin": 0},
        once={"state": "posted", "in_bin": 400},
    )


def transaction_reverse(tenant) -> Form:
    item, bin = ItemFactory(tenant=tenant), bin_in(tenant)
    received = receive(tenant, item, bin, 10)
    return Form(
        user=member(tenant, Role.SUPERVISOR),
        url=reverse("inventory:transaction_reverse", args=[received.pk]),
        data={"reason": "booked to the wrong item"},
        effect=reading(
            tenant,
            postings=lambda: StockTransaction.objects.count(),
            in_bin=lambda: on_hand(tenant, item, bin),
        ),
        before={"postings": 1, "in_bin": 10},
        once={"postings": 2, "in_bin": 0},
    )


def move(tenant) -> Form:
    item = ItemFactory(tenant=tenant)
    source = bin_in(tenant)
    destination = bin_in(tenant, site=source.site)
    receive(tenant, item, source, 10)
    return Form(
        user=member(tenant, Role.OPERATOR),
        url=reverse("inventory:scan_move"),
        data={
            "source": source.code,
            "item": item.sku,
            "quantity": "3",
            "destination": destination.code,
            "key": uuid.uuid4().hex,
        },
        effect=reading(
            tenant,
            source=lambda: on_hand(tenant, item, source),
            destination=lambda: on_hand(tenant, item, destination),
        ),
        before={"source": 10, "destination": 0},
        once={"source": 7, "destination": 3},
    )


def bin_create(tenant) -> Form:
    zone = ZoneFactory(site__tenant=tenant)
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("inventory:bin_create"),
        data={
            "zone": zone.pk,
            "code": "A-01",
            "bin_type": "pick_face",
            "walk_sequence": "5",
            "is_active": "on",
        },
        effect=reading(tenant, bins=lambda: Bin.objects.filter(code="A-01").count()),
        before={"bins": 0},
        once={"bins": 1},
    )


def item_create(tenant) -> Form:
    # Master data too: a repeat gets the first answer, not "SKU GLV-M already exists".
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("inventory:item_create"),
        data={
            "sku": "GLV-M",
            "description": "Nitrile gloves M",
            "category": "safety",
            "base_unit": "each",
            "tracking": "none",
            "costing_method": "fifo",
            "standard_cost": "0.12",
            "is_active": "on",
        },
        effect=reading(tenant, items=lambda: Item.objects.filter(sku="GLV-M").count()),
        before={"items": 0},
        once={"items": 1},
    )


FORMS = [adjustment_create, adjustment_decide, transaction_reverse, move, bin_create, item_create]


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))
    assert_ledger_clean(tenant_a)


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
    assert_ledger_clean(own_tenant)
