"""Items CSV import: each kind of bad line is reported with its line number, and nothing is
imported unless every line is good."""

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
from inventory.models import Item, ItemUnit
from tests.factories import ItemFactory, ItemUnitFactory, member

pytestmark = pytest.mark.django_db

HEADER = (
    "sku,description,category,base_unit,divisible,tracking,shelf_life_days,expiry_required,"
    "abc_class,velocity_class,hazardous,costing_method,standard_cost,gtin,case_factor,case_gtin\n"
)
GOOD = "OK-1,Good line,misc,each,no,none,,no,A,fast,no,fifo,1.50,,,\n"


def _check(tenant, text):
    with tenant_context(tenant):
        return check_text(importer=importer_for("inventory.items"), tenant=tenant, text=text)


@pytest.mark.parametrize(
    "line,message",
    [
        (",No SKU,,each,,,,,,,,,,,,", "sku is empty"),
        ("A 1,Spaced,,each,,,,,,,,,,,,", "sku 'A 1' contains spaces"),
        ("A-1,,,each,,,,,,,,,,,,", "description is empty"),
        (
            "A-1,Bad tracking,,each,,batch,,,,,,,,,,",
            "tracking 'batch' is not one of none, lot, serial",
        ),
        ("A-1,Bad ABC,,each,,,,,D,,,,,,,", "abc_class 'D' is not one of A, B, C"),
        (
            "A-1,Bad velocity,,each,,,,,,warp,,,,,,",
            "velocity_class 'warp' is not one of fast, medium, slow",
        ),
        (
            "A-1,Bad costing,,each,,,,,,,,lifo,,,,",
            "costing_method 'lifo' is not one of fifo, average",
        ),
        ("A-1,Bad bool,,each,maybe,,,,,,,,,,,", "divisible 'maybe' is not yes or no"),
        ("A-1,Bad hazard,,each,,,,,,,perhaps,,,,,", "hazardous 'perhaps' is not yes or no"),
        ("A-1,Bad days,,each,,,ten,,,,,,,,,", "shelf_life_days 'ten' is not a whole number"),
        ("A-1,Bad cost,,each,,,,,,,,,abc,,,", "standard_cost 'abc' is not a number"),
        ("A-1,Negative cost,,each,,,,,,,,,-1,,,", "standard_cost -1 must not be negative"),
        ("A-1,Fine cost,,each,,,,,,,,,0.1234567,,,", "standard_cost 0.1234567 has too many digits"),
        (
            "A-1,Bad GTIN,,each,,,,,,,,,,4006381333932,,",
            "gtin: Invalid GTIN check digit for '4006381333932'",
        ),
        ("A-1,Short GTIN,,each,,,,,,,,,,12345,,", "gtin: Failed to parse '12345' as GTIN"),
        ("A-1,Bad case,,each,,,,,,,,,,,0,", "case_factor must be more than 0"),
        ("A-1,Half case,,each,,,,,,,,,,,2.5,", "case_factor 2.5 must be a whole number of each"),
        ("A-1,Case GTIN only,,each,,,,,,,,,,,,4006381333931", "case_gtin needs a case_factor"),
        ("A-1,Serial kg,,kg,yes,serial,,,,,,,,,,", "serial-tracked item cannot be divisible"),
        ("A-1,Expiry untracked,,each,,none,,yes,,,,,,,,", "needs lot or serial tracking"),
        ("A-1,Short line,,each", "has 4 fields; the header has 16"),
    ],
)
def test_each_kind_of_bad_line_is_reported_with_its_line_number(tenant_a, line, message):
    checked = _check(tenant_a, HEADER + GOOD + line + "\n")
    assert len(checked.errors) == 1, checked.errors
    assert checked.errors[0]["line"] == 3
    assert message in checked.errors[0]["message"]


def test_duplicate_sku_in_the_file_names_the_first_line(tenant_a):
    checked = _check(tenant_a, HEADER + GOOD + "X-1,One,,each,,,,,,,,,,,,\n" + GOOD)
    assert checked.errors == [{"line": 4, "message": "duplicate SKU OK-1 (also on line 2)"}]


def test_sku_that_already_exists_is_reported(tenant_a):
    ItemFactory(tenant=tenant_a, sku="OK-1")
    checked = _check(tenant_a, HEADER + GOOD)
    assert checked.errors == [{"line": 2, "message": "SKU OK-1 already exists"}]


def test_gtin_already_used_or_repeated_in_the_file_is_reported(tenant_a):
    ItemUnitFactory(item=ItemFactory(tenant=tenant_a, sku="HAS-1"), gtin="04006381333931")
    checked = _check(
        tenant_a,
        HEADER
        + "A-1,Taken,,each,,,,,,,,,,4006381333931,,\n"
        + "B-1,First,,each,,,,,,,,,,012345678905,,\n"
        + "C-1,Again,,each,,,,,,,,,,,12,0012345678905\n",
    )
    assert checked.errors == [
        {"line": 2, "message": "gtin 4006381333931 already belongs to HAS-1 (unit case)"},
        {"line": 4, "message": "case_gtin 0012345678905 is also the gtin on line 3"},
    ]


def test_gtin_stored_with_fewer_digits_is_still_taken(tenant_a):
    ItemUnitFactory(item=ItemFactory(tenant=tenant_a, sku="HAS-1"), gtin="012345678905")
    checked = _check(tenant_a, HEADER + "A-1,Taken,,each,,,,,,,,,,00012345678905,,\n")
    assert checked.errors == [
        {"line": 2, "message": "gtin 00012345678905 already belongs to HAS-1 (unit case)"}
    ]


def test_another_tenants_skus_and_gtins_do_not_clash(tenant_a, tenant_b):
    ItemUnitFactory(item=ItemFactory(tenant=tenant_b, sku="OK-1"), gtin="04006381333931")
    checked = _check(tenant_a, HEADER + GOOD.replace(",,,\n", ",4006381333931,,\n"))
    assert checked.errors == []


def test_bad_header_names_missing_and_unknown_columns(tenant_a):
    checked = _check(tenant_a, "sku,descr,colour\nA,B,C\n")
    assert checked.errors[0]["line"] == 1
    assert "missing column(s): description" in checked.errors[0]["message"]
    assert "unknown column(s): descr, colour" in checked.errors[0]["message"]


def _upload(tenant, user, text):
    with tenant_context(tenant):
        return services.create_import(
            tenant=tenant, user=user, kind="inventory.items", filename="items.csv", text=text
        )


def test_one_bad_line_imports_nothing(tenant_a, admin_a):
    lines = "".join(f"G-{n},Good {n},,each,,,,,,,,,,,,\n" for n in range(10))
    job = _upload(tenant_a, admin_a, HEADER + lines + "BAD,Bad,,each,,lot,,,Z,,,,,,,\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors == [{"line": 12, "message": "abc_class 'Z' is not one of A, B, C"}]
        assert not Item.objects.exists()


def test_good_file_imports_items_with_units_and_history(tenant_a):
    planner = member(tenant_a, Role.PLANNER)
    text = (
        HEADER + "GLV-M,Nitrile gloves M,safety,each,no,lot,730,yes,A,fast,no,average,0.12,"
        "4006381333931,100,14006381333938\n" + "ROPE,Rope,rigging,m,yes,none,,,,,yes,,2.5,,,\n"
    )
    job = _upload(tenant_a, planner, text)
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "ready" and job.row_count == 2
        assert job.preview[0][:2] == ["GLV-M", "Nitrile gloves M"]
        services.start_import(tenant=tenant_a, user=planner, job=job)
    run_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "done" and job.message == "Imported 2 item(s)."
        gloves = Item.objects.get(sku="GLV-M")
        assert (gloves.tracking, gloves.costing_method, gloves.abc_class) == ("lot", "average", "A")
        assert gloves.shelf_life_days == 730 and gloves.expiry_required
        assert gloves.standard_cost == Decimal("0.12")
        units = {u.code: (u.factor, u.gtin) for u in ItemUnit.objects.filter(item=gloves)}
        assert units == {
            "each": (Decimal(1), "04006381333931"),
            "case": (Decimal(100), "14006381333938"),
        }
        rope = Item.objects.get(sku="ROPE")
        assert rope.base_unit == "m" and rope.divisible and rope.hazardous
        assert list(rope.units.values_list("code", flat=True)) == ["m"]
        assert gloves.history.get().history_user == planner


def test_sku_created_after_the_check_turns_the_import_back_to_invalid(tenant_a, admin_a):
    job = _upload(tenant_a, admin_a, HEADER + GOOD + "OK-2,Second,,each,,,,,,,,,,,,\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        services.start_import(tenant=tenant_a, user=admin_a, job=ImportJob.objects.get(pk=job.pk))
    ItemFactory(tenant=tenant_a, sku="OK-2")
    run_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors == [{"line": 3, "message": "SKU OK-2 already exists"}]
        assert list(Item.objects.values_list("sku", flat=True)) == ["OK-2"]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FINANCE, Role.OPERATOR])
def test_only_admins_and_planners_import_items(tenant_a, role):
    with pytest.raises(RoleRequired):
        _upload(tenant_a, member(tenant_a, role), HEADER + GOOD)


def test_upload_page_explains_the_columns_and_reports_errors(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    page = client.get(reverse("inventory:item_import"))
    assert b"case_factor" in page.content and b"Units:" in page.content
    upload = SimpleUploadedFile("items.csv", (HEADER + GOOD + GOOD).encode())
    response = client.post(reverse("inventory:item_import"), {"file": upload})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        job = ImportJob.objects.get()
    assert job.kind == "inventory.items"
    check_import_task(tenant_a.pk, job.pk)
    page = client.get(response.url)
    assert b"Lines with errors" in page.content and b"duplicate SKU OK-1" in page.content


def test_an_items_job_is_not_found_under_the_bins_pages(admin_client, tenant_a, admin_a):
    job = _upload(tenant_a, admin_a, HEADER + GOOD)
    assert (
        admin_client.get(reverse("inventory:bin_import_detail", args=[job.pk])).status_code == 404
    )
    assert (
        admin_client.get(reverse("inventory:item_import_detail", args=[job.pk])).status_code == 200
    )
