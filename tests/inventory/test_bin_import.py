"""Bins CSV import: every bad line is reported with its line number, and nothing is imported
unless every line is good."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erp.errors import ImportNotReady
from erp.imports import importer_for, services
from erp.imports.reading import check_text
from erp.imports.tasks import check_import_task, run_import_task
from erp.models import ImportJob
from erp.tenancy import tenant_context
from inventory.models import Bin
from tests.factories import BinFactory, SiteFactory, ZoneFactory

pytestmark = pytest.mark.django_db

HEADER = "site,zone,code,type,walk_sequence,capacity_volume,capacity_weight,capacity_units,active\n"


@pytest.fixture
def layout(tenant_a):
    site = SiteFactory(tenant=tenant_a, code="MAIN")
    ZoneFactory(site=site, code="PICK")
    ZoneFactory(site=site, code="BULK")
    return site


def _check(tenant, text):
    with tenant_context(tenant):
        return check_text(importer=importer_for("inventory.bins"), tenant=tenant, text=text)


@pytest.mark.parametrize(
    "line,message",
    [
        ("NOPE,PICK,A-1,pick_face,1,,,,yes", "unknown site 'NOPE'"),
        ("MAIN,NOPE,A-1,pick_face,1,,,,yes", "unknown zone 'NOPE' at site MAIN"),
        (
            "MAIN,PICK,A-1,shelf,1,,,,yes",
            "type 'shelf' is not one of pick_face, reserve, staging, dock, qc",
        ),
        ("MAIN,PICK,A-1,pick_face,abc,,,,yes", "walk_sequence 'abc' is not a whole number"),
        ("MAIN,PICK,A-1,pick_face,1,lots,,,yes", "capacity_volume 'lots' is not a number"),
        ("MAIN,PICK,A-1,pick_face,1,,-5,,yes", "capacity_weight -5 must not be negative"),
        ("MAIN,PICK,A-1,pick_face,1,,,1.5,yes", "capacity_units '1.5' is not a whole number"),
        ("MAIN,PICK,A-1,pick_face,1,NaN,,,yes", "capacity_volume 'NaN' is not a number"),
        (
            "MAIN,PICK,A-1,pick_face,1,0.123456,,,yes",
            "capacity_volume 0.123456 has too many digits",
        ),
        ("MAIN,PICK,A-1,pick_face,1,,,,maybe", "active 'maybe' is not yes or no"),
        ("MAIN,PICK,,pick_face,1,,,,yes", "code is empty"),
        ("MAIN,PICK,A 1,pick_face,1,,,,yes", "code 'A 1' contains spaces"),
        ("MAIN,PICK,A-1,pick_face", "has 4 fields; the header has 9"),
    ],
)
def test_each_kind_of_bad_line_is_reported_with_its_message(layout, tenant_a, line, message):
    checked = _check(tenant_a, HEADER + "MAIN,PICK,OK-1,pick_face,1,,,,yes\n" + line + "\n")
    assert len(checked.errors) == 1
    assert checked.errors[0]["line"] == 3
    assert message in checked.errors[0]["message"]


def test_duplicate_codes_in_the_file_name_the_first_line(layout, tenant_a):
    checked = _check(
        tenant_a, HEADER + "MAIN,PICK,A-1,pick_face,1,,,,\nMAIN,BULK,A-1,reserve,2,,,,\n"
    )
    assert checked.errors == [
        {"line": 3, "message": "duplicate code A-1 at site MAIN (also on line 2)"}
    ]


def test_code_that_already_exists_is_reported(layout, tenant_a):
    BinFactory(zone=ZoneFactory(site=layout), code="OLD-1")
    checked = _check(tenant_a, HEADER + "MAIN,PICK,OLD-1,pick_face,1,,,,\n")
    assert checked.errors[0]["message"] == "bin OLD-1 already exists at site MAIN"


def test_bad_header_is_reported_on_line_one(layout, tenant_a):
    checked = _check(tenant_a, "site,zone,kode,type,colour\nMAIN,PICK,A,dock,red\n")
    assert checked.errors[0]["line"] == 1
    assert "missing column(s): code" in checked.errors[0]["message"]
    assert "unknown column(s): kode, colour" in checked.errors[0]["message"]


def test_another_tenants_sites_are_unknown(layout, tenant_b):
    checked = _check(tenant_b, HEADER + "MAIN,PICK,A-1,pick_face,1,,,,\n")
    assert "unknown site 'MAIN'" in checked.errors[0]["message"]


def _upload(tenant, user, text):
    with tenant_context(tenant):
        return services.create_import(
            tenant=tenant, user=user, kind="inventory.bins", filename="bins.csv", text=text
        )


def test_one_bad_line_imports_nothing(layout, tenant_a, admin_a):
    text = (
        HEADER
        + "".join(f"MAIN,PICK,G-{n},pick_face,{n},,,,\n" for n in range(10))
        + "MAIN,NOPE,BAD,dock,1,,,,\n"
    )
    job = _upload(tenant_a, admin_a, text)
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors == [{"line": 12, "message": "unknown zone 'NOPE' at site MAIN"}]
        assert "Nothing was imported" in job.message
        assert not Bin.objects.exists()
        with pytest.raises(ImportNotReady):
            services.start_import(tenant=tenant_a, user=admin_a, job=job)


def test_good_file_imports_every_line_with_history(
    layout, tenant_a, admin_a, django_capture_on_commit_callbacks
):
    text = HEADER + "MAIN,PICK,A-1,Pick face,10,0.5,100,50,yes\nMAIN,bulk,R-1,reserve,20,,,,no\n"
    job = _upload(tenant_a, admin_a, text)
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "ready" and job.row_count == 2
        with django_capture_on_commit_callbacks() as callbacks:
            services.start_import(tenant=tenant_a, user=admin_a, job=job)
    assert len(callbacks) == 1  # the import task, enqueued on commit
    run_import_task(tenant_a.pk, job.pk)
    run_import_task(tenant_a.pk, job.pk)  # a redelivered task changes nothing
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "done" and job.imported_count == 2
        bins = {b.code: b for b in Bin.objects.all()}
        assert set(bins) == {"A-1", "R-1"}
        assert bins["A-1"].bin_type == "pick_face" and bins["A-1"].capacity_units == 50
        assert bins["R-1"].is_active is False and bins["R-1"].zone.code == "BULK"
        assert bins["A-1"].history.get().history_user == admin_a


def test_bin_created_after_the_check_turns_the_import_back_to_invalid(layout, tenant_a, admin_a):
    job = _upload(
        tenant_a, admin_a, HEADER + "MAIN,PICK,A-1,pick_face,1,,,,\nMAIN,PICK,A-2,pick_face,2,,,,\n"
    )
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        services.start_import(tenant=tenant_a, user=admin_a, job=ImportJob.objects.get(pk=job.pk))
    BinFactory(zone=ZoneFactory(site=layout), code="A-2")
    run_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors[0]["message"] == "bin A-2 already exists at site MAIN"
        assert list(Bin.objects.values_list("code", flat=True)) == ["A-2"]


def test_upload_page_refuses_non_utf8_and_empty_files(admin_client, layout):
    latin = SimpleUploadedFile(
        "bins.csv", "site,zone,code,type\nMAIN,PICK,Ä-1,dock\n".encode("latin-1")
    )
    response = admin_client.post(reverse("inventory:bin_import"), {"file": latin})
    assert response.status_code == 422 and b"not UTF-8 text" in response.content
    empty = SimpleUploadedFile("bins.csv", b"")
    response = admin_client.post(reverse("inventory:bin_import"), {"file": empty})
    assert response.status_code == 422 and b"empty" in response.content


def test_upload_page_shows_the_error_report(admin_client, layout, tenant_a):
    upload = SimpleUploadedFile("bins.csv", (HEADER + "MAIN,PICK,A-1,shelf,1,,,,\n").encode())
    response = admin_client.post(reverse("inventory:bin_import"), {"file": upload})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        job = ImportJob.objects.get()
    check_import_task(tenant_a.pk, job.pk)
    page = admin_client.get(response.url)
    assert b"Lines with errors" in page.content and b"type &#x27;shelf&#x27;" in page.content
    partial = admin_client.get(response.url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-status")
    assert b"<html" not in partial.content and b"Has errors" in partial.content
