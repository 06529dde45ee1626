"""The returns pages render what they should for their roles, take their forms, refuse bad
input with a message (never a 500, nothing posted), and show only the tenant's own rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from returns.models import (
    DispositionRule,
    ReturnDiscrepancy,
    ReturningSupplier,
    ReturnPolicy,
    ReturnSettings,
    RmaLine,
)
from tests.concurrency import browser
from tests.factories import CustomerFactory, ItemFactory, SupplierFactory, member
from tests.returns.returns_floor import Returns
from warehouse.models import Shipment

pytestmark = pytest.mark.django_db


def page(user, name, *args, **query):
    response = browser(user).get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_rma_is_drafted_and_its_lines_checked_on_the_desk_pages(tenant_a):
    r = Returns(tenant_a)
    desk = browser(r.supervisor)
    response = desk.post(
        reverse("returns:rma_create"), {"order": r.order.pk, "reason": "defective"}
    )
    assert response.status_code == 302
    detail = response["Location"]
    pk = int(detail.rstrip("/").split("/")[-1])
    url = reverse("returns:rma_add_line", args=[pk])
    refused = desk.post(
        url, {"order_line": r.coffee_line.pk, "quantity": "7", "lot_code": "L-2030-06"}
    )
    assert refused.status_code == 422
    assert "Only 6 each of" in refused.content.decode()
    assert (
        desk.post(
            url, {"order_line": r.coffee_line.pk, "quantity": "6", "lot_code": "L-2030-06"}
        ).status_code
        == 302
    )
    with tenant_context(tenant_a):
        assert RmaLine.objects.get(rma_id=pk).quantity == Decimal(6)
    html = desk.get(detail).content.decode()
    assert "Authorise" in html and "L-2030-06" in html


def test_outside_policy_the_page_offers_only_the_supervisors_authorisation(tenant_a):
    r = Returns(tenant_a)
    with tenant_context(tenant_a):
        Shipment.objects.filter(pk=r.shipment.pk).update(
            shipped_at=timezone.now() - datetime.timedelta(days=40)
        )
    rma = r.draft(2)
    html = page(r.supervisor, "returns:rma_detail", rma.pk)
    assert "Authorise outside policy" in html
    assert "shipped 40 days ago; the window is 30 days" in html
    planner_html = page(member(tenant_a, Role.PLANNER), "returns:rma_detail", rma.pk)
    assert "Authorise outside policy" not in planner_html


def test_the_receipt_page_records_an_item_not_on_the_rma_as_a_discrepancy(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    scanner = browser(r.operator)
    url = reverse("returns:receive", args=[rma.pk])
    response = scanner.post(url, {"item": r.cups.sku, "quantity": "2", "key": "k1"}, follow=True)
    assert "is not on" in response.content.decode()
    with tenant_context(tenant_a):
        extra = ReturnDiscrepancy.objects.get()
    assert (extra.item_id, extra.quantity) == (r.cups.pk, Decimal(2))
    assert r.on_hand(r.cups, r.area, status="qc_hold") == Decimal(0)


def test_the_receipt_page_refuses_an_unknown_item_on_its_field(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    response = browser(r.operator).post(
        reverse("returns:receive", args=[rma.pk]), {"item": "NO-SUCH", "quantity": "1", "key": "k"}
    )
    assert response.status_code == 422
    assert "NO-SUCH" in response.content.decode()
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(0)


def test_the_receipt_page_receives_a_scanned_lot_and_says_where_it_went(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    response = browser(r.operator).post(
        reverse("returns:receive", args=[rma.pk]),
        {"item": r.coffee.sku, "lot": "L-2030-06", "quantity": "6", "key": "k"},
        follow=True,
    )
    assert "into RET-01 (QC hold)" in response.content.decode()
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(6)


def test_the_find_page_opens_a_scanned_rma_and_refuses_an_unknown_one(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    scanner = browser(r.operator)
    found = scanner.post(reverse("returns:receive_find"), {"rma": rma.number.lower()})
    assert found["Location"] == reverse("returns:receive", args=[rma.pk])
    missing = scanner.post(reverse("returns:receive_find"), {"rma": "RMA-99999"})
    assert missing.status_code == 422
    assert "No RMA RMA-99999" in missing.content.decode()


def test_the_inspection_page_grades_then_takes_the_proposed_disposition(tenant_a):
    r = Returns(tenant_a)
    rma = r.received(6)
    scanner = browser(r.operator)
    url = reverse("returns:rma_inspect", args=[rma.pk])
    assert (
        scanner.post(url, {"line": r.line(rma).pk, "grade": "damaged", "quantity": "6"}).status_code
        == 302
    )
    (row,) = r.inspections(rma)
    assert "Proposed: scrap" in scanner.get(url).content.decode()
    response = scanner.post(
        reverse("returns:inspection_dispose", args=[row.pk]),
        {f"i{row.pk}-disposition": "restock", f"i{row.pk}-reason": ""},
    )
    assert response.status_code == 422
    assert "say why" in response.content.decode()
    scanner.post(
        reverse("returns:inspection_dispose", args=[row.pk]),
        {f"i{row.pk}-disposition": "scrap", f"i{row.pk}-reason": ""},
    )
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(0)
    assert "6.00 written off" in scanner.get(url).content.decode().replace("$", "")


def test_the_credits_page_refuses_the_requester_and_exports_approved_credits(tenant_a):
    r = Returns(tenant_a)
    credit = r.credit()
    html = page(r.finance, "returns:credit_list")
    assert credit.number in html and "36.00" in html
    own = browser(r.supervisor).post(
        reverse("returns:credit_approve", args=[credit.pk]), {"note": ""}, follow=True
    )
    assert f"You requested credit {credit.number}" in own.content.decode()
    browser(r.finance).post(reverse("returns:credit_approve", args=[credit.pk]), {"note": "ok"})
    # Segregation of duties on the RMA: who requested the credit, who approved it, and that
    # they differ.
    rma_html = page(r.finance, "returns:rma_detail", credit.rma_id)
    assert f"Requested by <strong>{r.supervisor.email}</strong>" in rma_html
    assert f"Approved by <strong>{r.finance.email}</strong>" in rma_html
    assert 'data-separate="yes"' in rma_html
    export = browser(r.finance).get(reverse("returns:credit_export"))
    assert export["Content-Type"].startswith("text/csv")
    rows = export.content.decode().strip().splitlines()
    assert rows[0].startswith("credit,rma,customer_code,customer_name,order,approved_on")
    fields = rows[1].split(",")
    assert fields[0] == credit.number
    assert fields[6:10] == ["60.00", "20.00", "4.00", "36.00"]
    assert fields[-1] == r.finance.email


def test_the_queue_and_reasons_pages_count_open_rmas(tenant_a):
    r = Returns(tenant_a)
    r.received(6)
    queue = page(r.supervisor, "returns:queue")
    assert "Received" in queue and "1 line to grade" in queue
    reasons = page(r.supervisor, "returns:reasons")
    assert r.coffee.sku in reasons and "not_needed" in reasons


def test_the_settings_pages_save_terms_rules_and_suppliers(tenant_a):
    r = Returns(tenant_a)
    admin = browser(member(tenant_a, Role.ADMIN))
    admin.post(
        reverse("returns:settings"),
        {"window_days": "14", "restocking_fee_pct": "5", "opened_accepted": "on",
         "credit_approval_threshold": "250"},
    )  # fmt: skip
    other = CustomerFactory(tenant=tenant_a)
    admin.post(
        reverse("returns:policy_list"),
        {"customer": other.pk, "window_days": "60", "restocking_fee_pct": "0"},
    )
    admin.post(
        reverse("returns:rule_list"),
        {"grade": "opened", "reason": "", "disposition": "quarantine", "creditable": "on"},
    )
    supplier = SupplierFactory(tenant=tenant_a)
    admin.post(reverse("returns:returning_suppliers"), {"suppliers": [supplier.pk]})
    with tenant_context(tenant_a):
        assert ReturnSettings.objects.get().credit_approval_threshold == Decimal(250)
        assert ReturnPolicy.objects.get(customer=other).window_days == 60
        assert DispositionRule.objects.get().disposition == "quarantine"
        assert list(ReturningSupplier.objects.values_list("supplier_id", flat=True)) == [
            supplier.pk
        ]
    assert r.customer.code in page(member(tenant_a, Role.ADMIN), "returns:policy_list")


LISTS = [
    ("returns:rma_list", Role.SUPERVISOR),
    ("returns:queue", Role.SUPERVISOR),
    ("returns:inspection_list", Role.OPERATOR),
    ("returns:receive_find", Role.OPERATOR),
    ("returns:supplier_return_list", Role.SUPERVISOR),
    ("returns:credit_list", Role.FINANCE),
    ("returns:reasons", Role.SUPERVISOR),
    ("returns:credit_export", Role.FINANCE),
    ("returns:policy_list", Role.ADMIN),
    ("returns:rule_list", Role.ADMIN),
]


def test_no_returns_page_shows_another_tenants_rows(tenant_a, tenant_b):
    theirs = Returns(tenant_b)
    credited = theirs.credited(grades=(("new", 3), ("damaged", 1)))
    theirs.received(2)
    secret = [credited.number, theirs.customer.name, theirs.customer.code, theirs.coffee.sku]
    ItemFactory(tenant=tenant_a)
    for name, role in LISTS:
        user = member(tenant_a, role)
        response = browser(user).get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        for text in secret:
            assert text not in html, (name, text)


def test_the_rma_form_finds_shipped_orders_by_number_or_customer_and_takes_the_typed_number(
    tenant_a, tenant_b
):
    r = Returns(tenant_a)
    theirs = Returns(tenant_b)
    desk = browser(r.supervisor)
    lookup = reverse("returns:shipped_order_lookup")
    by_number = desk.get(lookup, {"q": r.order.number[:-1]}).content.decode()
    assert r.order.number in by_number
    assert r.order.number in desk.get(lookup, {"q": r.customer.name[:4]}).content.decode()
    # Both tenants' fixtures share numbers and names: only this tenant's one order answers.
    assert theirs.order.number == r.order.number
    assert desk.get(lookup, {"q": r.order.number}).content.decode().count('role="option"') == 1
    response = desk.post(
        reverse("returns:rma_create"), {"order": r.order.number, "reason": "defective"}
    )
    assert response.status_code == 302
    refused = desk.post(reverse("returns:rma_create"), {"order": "SO-NOPE", "reason": "defective"})
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()
