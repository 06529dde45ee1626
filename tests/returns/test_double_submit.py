"""Each returns form that moves stock or makes a document, sent twice in a row and twice at
once, is done once and answers both alike: a double-submitted receipt or disposition posts
once; an RMA, a grade, a credit and its approval are made once. A receipt scan retried
without the form's key (same scan key) posts once too."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.idempotency import FIELD, new_key
from erp.tenancy import tenant_context
from inventory.models import StockTransaction
from purchasing.models import SupplierItem
from returns.models import (
    Credit,
    Inspection,
    ReturnAuthorisation,
    ReturningSupplier,
    ReturnReceipt,
    RmaLine,
    SupplierReturn,
)
from returns.services import inspection
from tests.concurrency import browser, sent_together
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import SupplierFactory
from tests.inventory.stock import assert_ledger_clean
from tests.returns.returns_floor import Returns


def _qc(r: Returns):
    return lambda: r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold")


def rma(tenant) -> Form:
    r = Returns(tenant)
    return Form(
        user=r.supervisor,
        url=reverse("returns:rma_create"),
        data={"order": r.order.pk, "reason": "not_needed"},
        effect=reading(tenant, rmas=lambda: ReturnAuthorisation.objects.count()),
        before={"rmas": 0},
        once={"rmas": 1},
    )


def receipt(tenant) -> Form:
    r = Returns(tenant)
    authorised = r.authorised(6)
    return Form(
        user=r.operator,
        url=reverse("returns:receive", args=[authorised.pk]),
        data={"item": r.coffee.sku, "lot": "L-2030-06", "quantity": "4", "key": uuid.uuid4().hex},
        effect=reading(
            tenant,
            receipts=lambda: ReturnReceipt.objects.count(),
            qc_hold=_qc(r),
            postings=lambda: StockTransaction.objects.filter(kind="return").count(),
        ),
        before={"receipts": 0, "qc_hold": 0, "postings": 0},
        once={"receipts": 1, "qc_hold": 4, "postings": 1},
    )


def grade(tenant) -> Form:
    r = Returns(tenant)
    received = r.received(6)
    return Form(
        user=r.operator,
        url=reverse("returns:rma_inspect", args=[received.pk]),
        data={"line": r.line(received).pk, "grade": "new", "quantity": "6"},
        effect=reading(tenant, graded=lambda: Inspection.objects.count()),
        before={"graded": 0},
        once={"graded": 1},
    )


def disposition(tenant) -> Form:
    r = Returns(tenant)
    inspected = r.inspected(grades=(("damaged", 2),))
    (row,) = r.inspections(inspected)
    return Form(
        user=r.operator,
        url=reverse("returns:inspection_dispose", args=[row.pk]),
        data={f"i{row.pk}-disposition": "scrap", f"i{row.pk}-reason": ""},
        effect=reading(
            tenant,
            qc_hold=_qc(r),
            scraps=lambda: StockTransaction.objects.filter(kind="scrap").count(),
        ),
        before={"qc_hold": 2, "scraps": 0},
        once={"qc_hold": 0, "scraps": 1},
    )


def credit(tenant) -> Form:
    r = Returns(tenant)
    done = r.dispositioned()
    return Form(
        user=r.supervisor,
        url=reverse("returns:credit_propose", args=[done.pk]),
        data={},
        effect=reading(tenant, credits=lambda: Credit.objects.count()),
        before={"credits": 0},
        once={"credits": 1},
    )


def approval(tenant) -> Form:
    r = Returns(tenant)
    proposed = r.credit()
    return Form(
        user=r.finance,
        url=reverse("returns:credit_approve", args=[proposed.pk]),
        data={"note": ""},
        effect=reading(
            tenant,
            approved=lambda: Credit.objects.filter(status="approved").count(),
            credited=lambda: ReturnAuthorisation.objects.filter(status="credited").count(),
        ),
        before={"approved": 0, "credited": 0},
        once={"approved": 1, "credited": 1},
    )


def line(tenant) -> Form:
    r = Returns(tenant)
    rma = r.draft()
    return Form(
        user=r.supervisor,
        url=reverse("returns:rma_add_line", args=[rma.pk]),
        data={"order_line": r.cups_line.pk, "quantity": "2", "lot_code": "", "serial_code": ""},
        effect=reading(tenant, lines=lambda: RmaLine.objects.count()),
        before={"lines": 1},
        once={"lines": 2},
    )


def authorise(tenant) -> Form:
    r = Returns(tenant)
    rma = r.draft()
    return Form(
        user=r.supervisor,
        url=reverse("returns:rma_authorise", args=[rma.pk]),
        data={"reason": ""},
        effect=reading(tenant, status=lambda: ReturnAuthorisation.objects.get().status),
        before={"status": "draft"},
        once={"status": "authorised"},
    )


def rejection(tenant) -> Form:
    r = Returns(tenant)
    proposed = r.credit()
    return Form(
        user=r.finance,
        url=reverse("returns:credit_reject", args=[proposed.pk]),
        data={"note": "restocking fee not applied"},
        effect=reading(tenant, rejected=lambda: Credit.objects.filter(status="rejected").count()),
        before={"rejected": 0},
        once={"rejected": 1},
    )


def supplier_return(tenant) -> Form:
    r = Returns(tenant)
    supplier = SupplierFactory(tenant=tenant)
    with tenant_context(tenant):
        SupplierItem.objects.create(tenant=tenant, supplier=supplier, item=r.coffee, price=1)
        ReturningSupplier.objects.create(tenant=tenant, supplier=supplier)
    rma = r.inspected(grades=(("defective", 1),))
    with tenant_context(tenant):
        row = inspection.dispose(
            tenant=tenant, user=r.operator, inspection=r.inspections(rma)[0],
            disposition="return_to_vendor",
        )  # fmt: skip
    return Form(
        user=r.operator,
        url=reverse("returns:supplier_return_ship", args=[row.supplier_return_id]),
        data={},
        effect=reading(
            tenant,
            status=lambda: SupplierReturn.objects.get().status,
            to_supplier=lambda: StockTransaction.objects.filter(
                entries__location__kind="supplier", entries__quantity__gt=0
            ).count(),
        ),
        # The setup received the goods from a supplier once (the shipped order's stock).
        before={"status": "open", "to_supplier": 0},
        once={"status": "shipped", "to_supplier": 1},
    )


FORMS = [rma, line, authorise, receipt, grade, disposition, credit, approval, rejection,
         supplier_return]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))
    assert_ledger_clean(tenant_a)


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
    assert_ledger_clean(own_tenant)


def test_a_receipt_scan_retried_without_its_form_key_posts_once(own_tenant):
    r = Returns(own_tenant)
    authorised = r.authorised(6)
    url = reverse("returns:receive", args=[authorised.pk])
    scanner, retry = browser(r.operator), browser(r.operator)
    data = {"item": r.coffee.sku, "lot": "L-2030-06", "quantity": "3", "key": uuid.uuid4().hex}
    responses = sent_together(
        [
            lambda: scanner.post(url, {**data, FIELD: new_key()}),
            lambda: retry.post(url, {**data, FIELD: new_key()}),
        ]
    )
    assert all(response.status_code in (302, 200) for response in responses)
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(3)
    assert_ledger_clean(own_tenant)
