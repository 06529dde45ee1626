"""Suppliers and supplier items CSV imports: each kind of bad line is reported with its line
number and the cell it concerns, and nothing is imported unless every line is good."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erp.errors import RoleRequired
from erp.imports import importer_for, services
from erp.imports.reading import check_text
from erp.imports.tasks import check_import_task, run_import_task
from erp.models import ImportJob
from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PriceBreak, Supplier, SupplierItem
from tests.factories import ItemFactory, SupplierFactory, member

pytestmark = pytest.mark.django_db

SUPPLIERS = "purchasing.suppliers"
SUPPLIER_ITEMS = "purchasing.supplier_items"
S_HEADER = (
    "code,name,contact_name,email,phone,address,default_lead_time_days,"
    "over_receipt_tolerance_pct,currency,active\n"
)
S_GOOD = "OK-1,Good supplier,Jo,orders@ok.example,+1 555,Main St 1,5,2.5,usd,yes\n"
I_HEADER = (
    "supplier,sku,supplier_sku,pack_size,minimum_order_quantity,price,lead_time_days,"
    "preferred,inspection_required,price_breaks\n"
)


def _check(tenant, kind, text):
    with tenant_context(tenant):
        return check_text(importer=importer_for(kind), tenant=tenant, text=text)


def _upload(tenant, user, kind, text):
    with tenant_context(tenant):
        return services.create_import(
            tenant=tenant, user=user, kind=kind, filename="upload.csv", text=text
        )


def _import(tenant, user, kind, text) -> ImportJob:
    """Upload, check, start and run an import as the tasks do; the job as it ends."""
    job = _upload(tenant, user, kind, text)
    check_import_task(tenant.pk, job.pk)
    with tenant_context(tenant):
        job.refresh_from_db()
        if job.status == "ready":
            job = services.start_import(tenant=tenant, user=user, job=job)
    if job.status == "importing":
        run_import_task(tenant.pk, job.pk)
    with tenant_context(tenant):
        job.refresh_from_db()
    return job


# Suppliers


@pytest.mark.parametrize(
    "line,message",
    [
        (",No code,,,,,,,,", "code is empty"),
        ("A 1,Spaced,,,,,,,,", "code 'A 1' contains spaces"),
        ("A" * 21 + ",Long,,,,,,,,", "is longer than 20 characters"),
        ("A-1,,,,,,,,,", "name is empty"),
        ("A-1,Bad mail,,orders@,,,,,,", "email 'orders@' is not an e-mail address"),
        ("A-1,Bad days,,,,,a week,,,", "default_lead_time_days 'a week' is not a whole number"),
        ("A-1,Negative days,,,,,-2,,,", "default_lead_time_days -2 must not be negative"),
        ("A-1,Bad pct,,,,,,lots,,", "over_receipt_tolerance_pct 'lots' is not a number"),
        ("A-1,High pct,,,,,,150,,", "over_receipt_tolerance_pct 150 must be between 0 and 100"),
        ("A-1,Negative pct,,,,,,-1,,", "over_receipt_tolerance_pct -1 must not be negative"),
        ("A-1,Fine pct,,,,,,2.555,,", "over_receipt_tolerance_pct 2.555 has too many digits"),
        ("A-1,Bad currency,,,,,,,EURO,", "currency 'EURO' is not a three-letter ISO 4217 code"),
        ("A-1,Digit currency,,,,,,,US1,", "currency 'US1' is not a three-letter ISO 4217 code"),
        ("A-1,Bad active,,,,,,,,maybe", "active 'maybe' is not yes or no"),
        ("A-1,Short line", "has 2 fields; the header has 10"),
    ],
)
def test_each_kind_of_bad_supplier_line_is_reported_with_its_line_number(tenant_a, line, message):
    checked = _check(tenant_a, SUPPLIERS, S_HEADER + S_GOOD + line + "\n")
    assert len(checked.errors) == 1, checked.errors
    assert checked.errors[0]["line"] == 3
    assert message in checked.errors[0]["message"]


def test_every_problem_of_a_line_is_reported_together(tenant_a):
    checked = _check(tenant_a, SUPPLIERS, S_HEADER + "X 1,,,nope,,,,,EURO,\n")
    assert checked.errors == [
        {
            "line": 2,
            "message": "code 'X 1' contains spaces; name is empty; email 'nope' is not an "
            "e-mail address; currency 'EURO' is not a three-letter ISO 4217 code such as USD",
        }
    ]


def test_duplicate_supplier_code_in_the_file_names_the_first_line_ignoring_case(tenant_a):
    checked = _check(
        tenant_a, SUPPLIERS, S_HEADER + S_GOOD + "B-1,Other,,,,,,,,\n" + "ok-1,X,,,,,,,,\n"
    )
    assert checked.errors == [
        {"line": 4, "message": "duplicate code ok-1 (also on line 2 (as OK-1))"}
    ]


def test_supplier_code_that_already_exists_is_reported(tenant_a):
    SupplierFactory(tenant=tenant_a, code="OK-1")
    checked = _check(tenant_a, SUPPLIERS, S_HEADER + S_GOOD)
    assert checked.errors == [{"line": 2, "message": "supplier OK-1 already exists"}]


def test_another_tenants_supplier_codes_do_not_clash(tenant_a, tenant_b):
    SupplierFactory(tenant=tenant_b, code="OK-1")
    assert _check(tenant_a, SUPPLIERS, S_HEADER + S_GOOD).errors == []


def test_one_bad_supplier_line_imports_nothing(tenant_a, admin_a):
    lines = "".join(f"G-{n},Good {n},,,,,,,,\n" for n in range(10))
    job = _import(tenant_a, admin_a, SUPPLIERS, S_HEADER + lines + "BAD,Bad,,,,,,,ZZZZ,\n")
    assert job.status == "invalid"
    assert job.errors == [
        {
            "line": 12,
            "message": "currency 'ZZZZ' is not a three-letter ISO 4217 code such as USD",
        }
    ]
    with tenant_context(tenant_a):
        assert not Supplier.objects.exists()


def test_good_supplier_file_imports_with_defaults_and_history(tenant_a):
    planner = member(tenant_a, Role.PLANNER)
    text = (
        S_HEADER
        + S_GOOD
        + 'MIN,"Minimal, Inc.",,,,"Dock 4\nHarbor Rd",,,,\n'
        + "OLD,Old supplier,,,,,0,100,EUR,no\n"
    )
    job = _import(tenant_a, planner, SUPPLIERS, text)
    assert (job.status, job.message) == ("done", "Imported 3 supplier(s).")
    with tenant_context(tenant_a):
        ok = Supplier.objects.get(code="OK-1")
        assert (ok.name, ok.contact_name, ok.email, ok.phone, ok.address) == (
            "Good supplier", "Jo", "orders@ok.example", "+1 555", "Main St 1",
        )  # fmt: skip
        assert (ok.default_lead_time_days, ok.over_receipt_tolerance_pct, ok.currency) == (
            5, Decimal("2.5"), "USD",
        )  # fmt: skip
        minimal = Supplier.objects.get(code="MIN")
        assert minimal.name == "Minimal, Inc." and minimal.address == "Dock 4\nHarbor Rd"
        assert (minimal.default_lead_time_days, minimal.over_receipt_tolerance_pct) == (7, 0)
        assert minimal.currency == "USD" and minimal.is_active
        old = Supplier.objects.get(code="OLD")
        assert (old.default_lead_time_days, old.over_receipt_tolerance_pct) == (0, 100)
        assert old.currency == "EUR" and not old.is_active
        record = ok.history.get()
        assert record.history_type == "+" and record.history_user == planner
        assert record.history_change_reason == "import upload.csv"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FINANCE, Role.OPERATOR])
def test_only_admins_and_planners_import_suppliers(tenant_a, role):
    with pytest.raises(RoleRequired):
        _upload(tenant_a, member(tenant_a, role), SUPPLIERS, S_HEADER + S_GOOD)
    with pytest.raises(RoleRequired):
        _upload(tenant_a, member(tenant_a, role), SUPPLIER_ITEMS, I_HEADER)


def test_supplier_upload_page_explains_the_columns_and_reports_errors(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    url = reverse("purchasing:supplier_import")
    assert url == "/purchasing/suppliers/import/"
    page = client.get(url)
    assert b"over_receipt_tolerance_pct" in page.content and b"ISO 4217" in page.content
    upload = SimpleUploadedFile("suppliers.csv", (S_HEADER + S_GOOD + S_GOOD).encode())
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        job = ImportJob.objects.get()
    assert job.kind == SUPPLIERS
    check_import_task(tenant_a.pk, job.pk)
    page = client.get(response.url)
    assert b"Lines with errors" in page.content and b"duplicate code OK-1" in page.content


def test_suppliers_list_links_to_both_imports_for_editors_only(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    page = client.get(reverse("purchasing:supplier_list")).content.decode()
    assert 'href="/purchasing/suppliers/import/"' in page
    assert 'href="/purchasing/supplier-items/import/"' in page
    client.force_login(member(tenant_a, Role.FINANCE))
    page = client.get(reverse("purchasing:supplier_list")).content.decode()
    assert "/import/" not in page


# Supplier items


@pytest.fixture
def catalogue(tenant_a):
    """Suppliers ACME and BOLT; active items GLOVE and ROPE, inactive OLD."""
    acme = SupplierFactory(tenant=tenant_a, code="ACME")
    bolt = SupplierFactory(tenant=tenant_a, code="BOLT")
    items = {
        sku: ItemFactory(tenant=tenant_a, sku=sku, is_active=sku != "OLD")
        for sku in ("GLOVE", "ROPE", "OLD")
    }
    return {"ACME": acme, "BOLT": bolt, **items}


I_GOOD = "ACME,GLOVE,AC-1,100,200,0.12,4,yes,no,1000:0.11;5000:0.10\n"


@pytest.mark.parametrize(
    "line,message",
    [
        (",ROPE,,,,1,,,,", "supplier is empty"),
        ("NOPE,ROPE,,,,1,,,,", "unknown supplier 'NOPE'"),
        ("ACME,,,,,1,,,,", "sku is empty"),
        ("ACME,NOPE,,,,1,,,,", "unknown SKU 'NOPE'"),
        ("ACME,OLD,,,,1,,,,", "SKU OLD is inactive"),
        ("ACME,ROPE," + "X" * 61 + ",,,1,,,,", "supplier_sku 'XXXXXXXXXXXXXXXXXXXX…' is longer"),
        ("ACME,ROPE,,0,,1,,,,", "pack_size must be more than 0"),
        ("ACME,ROPE,,-5,,1,,,,", "pack_size -5 must not be negative"),
        ("ACME,ROPE,,box,,1,,,,", "pack_size 'box' is not a number"),
        ("ACME,ROPE,,1.00001,,1,,,,", "pack_size 1.00001 has too many digits"),
        ("ACME,ROPE,,,-1,1,,,,", "minimum_order_quantity -1 must not be negative"),
        ("ACME,ROPE,,,,,,,,", "price is empty"),
        ("ACME,ROPE,,,,-0.5,,,,", "price -0.5 must not be negative"),
        ("ACME,ROPE,,,,cheap,,,,", "price 'cheap' is not a number"),
        ("ACME,ROPE,,,,0.1234567,,,,", "price 0.1234567 has too many digits"),
        ("ACME,ROPE,,,,1,2.5,,,", "lead_time_days '2.5' is not a whole number"),
        ("ACME,ROPE,,,,1,,maybe,,", "preferred 'maybe' is not yes or no"),
        ("ACME,ROPE,,,,1,,,perhaps,", "inspection_required 'perhaps' is not yes or no"),
        ("ACME,ROPE,,,,1,,,,100-1.9", "price_breaks '100-1.9' is not min_quantity:price"),
        ("ACME,ROPE,,,,1,,,,100:", "price_breaks '100:' is not min_quantity:price"),
        ("ACME,ROPE,,,,1,,,,many:1", "price_breaks quantity 'many' is not a number"),
        ("ACME,ROPE,,,,1,,,,0:1", "price_breaks quantity must be more than 0"),
        ("ACME,ROPE,,,,1,,,,100:-1", "price_breaks price -1 must not be negative"),
        ("ACME,ROPE,,,,1,,,,100:x", "price_breaks price 'x' is not a number"),
        (
            "ACME,ROPE,,,,1,,,,500:0.9;100:0.95",
            "price_breaks quantities must go up: 100 comes after 500",
        ),
        ("ACME,ROPE,,,,1,,,,100:0.9;100.0:0.8", "price_breaks has quantity 100 twice"),
        ("ACME,ROPE,,,,1,,,", "has 9 fields; the header has 10"),
    ],
)
def test_each_kind_of_bad_supplier_item_line_is_reported_with_its_line_number(
    tenant_a, catalogue, line, message
):
    checked = _check(tenant_a, SUPPLIER_ITEMS, I_HEADER + I_GOOD + line + "\n")
    assert len(checked.errors) == 1, checked.errors
    assert checked.errors[0]["line"] == 3
    assert message in checked.errors[0]["message"]


def test_supplier_item_that_already_exists_or_repeats_in_the_file_is_reported(tenant_a, catalogue):
    with tenant_context(tenant_a):
        SupplierItem.objects.create(
            tenant=tenant_a, supplier=catalogue["BOLT"], item=catalogue["ROPE"], price=1
        )
    checked = _check(
        tenant_a,
        SUPPLIER_ITEMS,
        # The repeat is also marked preferred: only the duplicate is worth reporting.
        I_HEADER + I_GOOD + "BOLT,ROPE,,,,1,,,,\n" + "ACME,GLOVE,,,,1,,yes,,\n",
    )
    assert checked.errors == [
        {
            "line": 3,
            "message": "supplier BOLT already sells ROPE (change it on the supplier page)",
        },
        {"line": 4, "message": "duplicate supplier ACME with SKU GLOVE (also on line 2)"},
    ]


def test_second_preferred_supplier_for_an_item_in_the_file_is_reported(tenant_a, catalogue):
    checked = _check(tenant_a, SUPPLIER_ITEMS, I_HEADER + I_GOOD + "BOLT,glove,,,,0.13,,yes,,\n")
    assert checked.errors == [
        {
            "line": 3,
            "message": "preferred: GLOVE is already preferred from ACME on line 2 "
            "(one preferred supplier per item)",
        }
    ]


def test_item_that_already_has_a_preferred_supplier_is_reported(tenant_a, catalogue):
    with tenant_context(tenant_a):
        SupplierItem.objects.create(
            tenant=tenant_a, supplier=catalogue["BOLT"], item=catalogue["GLOVE"], price=1,
            preferred=True,
        )  # fmt: skip
    checked = _check(tenant_a, SUPPLIER_ITEMS, I_HEADER + I_GOOD + "ACME,ROPE,,,,1,,no,,\n")
    assert checked.errors == [
        {
            "line": 2,
            "message": "preferred: GLOVE already has a preferred supplier, BOLT "
            "(change it on the supplier page)",
        }
    ]


def test_codes_match_ignoring_case_unless_that_is_ambiguous(tenant_a, catalogue):
    SupplierFactory(tenant=tenant_a, code="acme")
    checked = _check(
        tenant_a, SUPPLIER_ITEMS, I_HEADER + "Acme,rope,,,,1,,,,\n" + "BOLT,rope,,,,1,,,,\n"
    )
    assert checked.errors == [
        {"line": 2, "message": "supplier 'Acme' matches suppliers ACME, acme; write it exactly"}
    ]
    assert [(r["supplier"].code, r["item"].sku) for r in checked.rows] == [("BOLT", "ROPE")]


def test_another_tenants_suppliers_and_items_are_unknown(tenant_a, tenant_b, catalogue):
    SupplierFactory(tenant=tenant_b, code="ZED")
    ItemFactory(tenant=tenant_b, sku="THEIRS")
    checked = _check(tenant_a, SUPPLIER_ITEMS, I_HEADER + "ZED,THEIRS,,,,1,,,,\n")
    assert checked.errors == [
        {"line": 2, "message": "unknown supplier 'ZED'; unknown SKU 'THEIRS'"}
    ]


def test_one_bad_supplier_item_line_imports_nothing(tenant_a, admin_a, catalogue):
    job = _import(
        tenant_a,
        admin_a,
        SUPPLIER_ITEMS,
        I_HEADER + I_GOOD + "BOLT,ROPE,,,,1,,,,50:1;10:2\n",
    )
    assert job.status == "invalid"
    assert job.errors == [
        {"line": 3, "message": "price_breaks quantities must go up: 10 comes after 50"}
    ]
    assert "Nothing was imported" in job.message
    with tenant_context(tenant_a):
        assert not SupplierItem.objects.exists() and not PriceBreak.objects.exists()


def test_good_supplier_items_file_imports_items_breaks_and_history(tenant_a, catalogue):
    planner = member(tenant_a, Role.PLANNER)
    text = I_HEADER + I_GOOD + "BOLT,ROPE,,,,2.5,,,yes,\n" + "BOLT,GLOVE,B-9,,,0.13,,no,,\n"
    job = _import(tenant_a, planner, SUPPLIER_ITEMS, text)
    assert (job.status, job.message) == ("done", "Imported 3 supplier item(s).")
    with tenant_context(tenant_a):
        glove = SupplierItem.objects.get(supplier=catalogue["ACME"], item=catalogue["GLOVE"])
        assert (glove.supplier_sku, glove.pack_size, glove.minimum_order_quantity) == (
            "AC-1", 100, 200,
        )  # fmt: skip
        assert (glove.price, glove.lead_time_days, glove.preferred) == (
            Decimal("0.12"), 4, True,
        )  # fmt: skip
        assert not glove.inspection_required
        assert list(glove.price_breaks.values_list("min_quantity", "price")) == [
            (Decimal(1000), Decimal("0.11")),
            (Decimal(5000), Decimal("0.10")),
        ]
        assert glove.price_for(Decimal(999)) == Decimal("0.12")
        assert glove.price_for(Decimal(5000)) == Decimal("0.10")
        rope = SupplierItem.objects.get(supplier=catalogue["BOLT"], item=catalogue["ROPE"])
        assert (rope.pack_size, rope.minimum_order_quantity, rope.lead_time_days) == (1, 0, None)
        assert rope.inspection_required and not rope.preferred
        assert not rope.price_breaks.exists()
        record = glove.history.get()
        assert (record.history_type, record.history_user) == ("+", planner)
        assert record.history_change_reason == "import upload.csv"
        break_records = PriceBreak.history.filter(supplier_item_id=glove.pk)
        assert {r.history_user for r in break_records} == {planner}
        assert break_records.count() == 2


def test_supplier_item_upload_page_is_under_purchasing(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    url = reverse("purchasing:supplier_item_import")
    assert url == "/purchasing/supplier-items/import/"
    page = client.get(url)
    assert b"price_breaks" in page.content and b"one preferred supplier per item" in page.content
