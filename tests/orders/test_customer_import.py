"""Customers CSV import: each kind of bad line is reported with its line number and the cell
it is about, and nothing is imported unless every line is good."""

from __future__ import annotations

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
from orders.models import Customer, ShipTo
from tests.factories import CustomerFactory, member

pytestmark = pytest.mark.django_db

HEADER = (
    "code,name,priority,min_shelf_life_days,carrier,route,credit_hold,email,phone,active,"
    "ship_to_name,address_line1,address_line2,city,region,postal_code,country\n"
)
GOOD = "OK-1,Good Foods,1,30,UPS,CHI-N,no,buyer@good.example,555-0100,yes,,1 Main St,,Chicago,IL,60601,US\n"


def _check(tenant, text):
    with tenant_context(tenant):
        return check_text(importer=importer_for("orders.customers"), tenant=tenant, text=text)


@pytest.mark.parametrize(
    "line,message",
    [
        (",No code,,,,,,,,,,,,,,,", "code is empty"),
        ("A 1,Spaced,,,,,,,,,,,,,,,", "code 'A 1' contains spaces"),
        ("A-1,,,,,,,,,,,,,,,,", "name is empty"),
        ("A-1," + "N" * 201 + ",,,,,,,,,,,,,,,", "name 'NNNNNNNNNNNNNNNNNNNN…' is longer than 200"),
        (
            "A-1,Bad priority,4,,,,,,,,,,,,,,",
            "priority '4' is not 1 (key account), 2 (standard) or 3",
        ),
        ("A-1,Bad priority,key,,,,,,,,,,,,,,", "priority 'key' is not 1"),
        ("A-1,Bad days,,ten,,,,,,,,,,,,,", "min_shelf_life_days 'ten' is not a whole number"),
        ("A-1,Negative days,,-5,,,,,,,,,,,,,", "min_shelf_life_days -5 must not be negative"),
        ("A-1,Bad hold,,,,,maybe,,,,,,,,,,", "credit_hold 'maybe' is not yes or no"),
        ("A-1,Bad active,,,,,,,,perhaps,,,,,,,", "active 'perhaps' is not yes or no"),
        ("A-1,Bad email,,,,,,not-an-address,,,,,,,,,", "email 'not-an-address' is not an e-mail"),
        (
            "A-1,Long route,,,," + "R" * 41 + ",,,,,,,,,,,",
            "route 'RRRRRRRRRRRRRRRRRRRR…' is longer than 40",
        ),
        ("A-1,No street,,,,,,,,,,,,Chicago,,,", "address_line1 is empty"),
        ("A-1,No city,,,,,,,,,,1 Main St,,,,,", "city is empty"),
        (
            "A-1,Bad country,,,,,,,,,,1 Main St,,Chicago,,,USA",
            "country 'USA' is not a two-letter code",
        ),
        ("A-1,Short line,1", "has 3 fields; the header has 17"),
    ],
)
def test_each_kind_of_bad_line_is_reported_with_its_line_number(tenant_a, line, message):
    checked = _check(tenant_a, HEADER + GOOD + line + "\n")
    assert len(checked.errors) == 1, checked.errors
    assert checked.errors[0]["line"] == 3
    assert message in checked.errors[0]["message"]


def test_several_problems_on_one_line_are_all_named(tenant_a):
    checked = _check(tenant_a, HEADER + "A 1,,9,x,,,,,,,,,,,,,\n")
    assert checked.errors == [
        {
            "line": 2,
            "message": "code 'A 1' contains spaces; name is empty; priority '9' is not 1 "
            "(key account), 2 (standard) or 3 (low); min_shelf_life_days 'x' is not a whole number",
        }
    ]


def test_duplicate_and_existing_codes_are_reported(tenant_a, tenant_b):
    CustomerFactory(tenant=tenant_a, code="HAS-1")
    CustomerFactory(tenant=tenant_b, code="OK-2")  # another tenant's code does not clash
    checked = _check(
        tenant_a,
        HEADER + GOOD + "HAS-1,Taken,,,,,,,,,,,,,,,\n" + "OK-2,Fine,,,,,,,,,,,,,,,\n" + GOOD,
    )
    assert checked.errors == [
        {"line": 3, "message": "customer HAS-1 already exists"},
        {"line": 5, "message": "duplicate code OK-1 (also on line 2)"},
    ]


def test_bad_header_names_missing_and_unknown_columns(tenant_a):
    checked = _check(tenant_a, "code,nmae,colour\nA,B,C\n")
    assert checked.errors[0]["line"] == 1
    assert "missing column(s): name" in checked.errors[0]["message"]
    assert "unknown column(s): nmae, colour" in checked.errors[0]["message"]


def _upload(tenant, user, text):
    with tenant_context(tenant):
        return services.create_import(
            tenant=tenant, user=user, kind="orders.customers", filename="customers.csv", text=text
        )


def test_one_bad_line_imports_nothing(tenant_a, admin_a):
    lines = "".join(f"G-{n},Good {n},,,,,,,,,,,,,,,\n" for n in range(10))
    job = _upload(tenant_a, admin_a, HEADER + lines + "BAD,Bad,5,,,,,,,,,,,,,,\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors[0]["line"] == 12 and "priority '5'" in job.errors[0]["message"]
        assert not Customer.objects.exists()


def test_good_file_imports_customers_with_their_default_ship_to_and_history(tenant_a):
    planner = member(tenant_a, Role.PLANNER)
    text = (
        HEADER
        + GOOD
        + "HOLD-1,Late Payer,3,,,,yes,,,,Back door,9 Side St,Unit 2,Gary,IN,46401,us\n"
        + "NOADDR,No Address Yet,,,,,,,,no,,,,,,,\n"
    )
    job = _upload(tenant_a, planner, text)
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "ready" and job.row_count == 3
        assert job.preview[0][:3] == ["OK-1", "Good Foods", "1"]
        services.start_import(tenant=tenant_a, user=planner, job=job)
    run_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "done" and job.message == "Imported 3 customer(s)."
        good = Customer.objects.get(code="OK-1")
        assert (good.priority, good.min_shelf_life_days, good.carrier, good.route) == (
            1,
            30,
            "UPS",
            "CHI-N",
        )
        assert good.email == "buyer@good.example" and good.is_active and not good.credit_hold
        address = ShipTo.objects.get(customer=good)
        assert address.is_default and address.name == "Good Foods"  # empty ship_to_name
        assert (address.address_line1, address.city, address.country) == (
            "1 Main St",
            "Chicago",
            "US",
        )
        held = Customer.objects.get(code="HOLD-1")
        assert held.credit_hold and held.priority == 3
        assert ShipTo.objects.get(customer=held).lines == [
            "Back door", "9 Side St", "Unit 2", "46401 Gary", "IN", "US",
        ]  # fmt: skip
        bare = Customer.objects.get(code="NOADDR")
        assert not bare.is_active and bare.priority == 2 and not bare.ship_tos.exists()
        assert good.history.get().history_user == planner


def test_a_code_created_after_the_check_turns_the_import_back_to_invalid(tenant_a, admin_a):
    job = _upload(tenant_a, admin_a, HEADER + GOOD + "OK-2,Second,,,,,,,,,,,,,,,\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        services.start_import(tenant=tenant_a, user=admin_a, job=ImportJob.objects.get(pk=job.pk))
    CustomerFactory(tenant=tenant_a, code="OK-2")
    run_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors == [{"line": 3, "message": "customer OK-2 already exists"}]
        assert list(Customer.objects.values_list("code", flat=True)) == ["OK-2"]


@pytest.mark.parametrize("role", [Role.FINANCE, Role.OPERATOR])
def test_finance_and_operators_cannot_import_customers(tenant_a, role):
    with pytest.raises(RoleRequired):
        _upload(tenant_a, member(tenant_a, role), HEADER + GOOD)


def test_upload_page_explains_the_columns_and_reports_errors(client, tenant_a):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    page = client.get(reverse("orders:customer_import"))
    assert b"min_shelf_life_days" in page.content and b"default ship-to" in page.content
    upload = SimpleUploadedFile("customers.csv", (HEADER + GOOD + GOOD).encode())
    response = client.post(reverse("orders:customer_import"), {"file": upload})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        job = ImportJob.objects.get()
    assert job.kind == "orders.customers"
    check_import_task(tenant_a.pk, job.pk)
    page = client.get(response.url)
    assert b"Lines with errors" in page.content and b"duplicate code OK-1" in page.content


def test_a_customers_job_is_not_found_under_the_items_pages(admin_client, tenant_a, admin_a):
    job = _upload(tenant_a, admin_a, HEADER + GOOD)
    assert (
        admin_client.get(reverse("inventory:item_import_detail", args=[job.pk])).status_code == 404
    )
    assert (
        admin_client.get(reverse("orders:customer_import_detail", args=[job.pk])).status_code == 200
    )
