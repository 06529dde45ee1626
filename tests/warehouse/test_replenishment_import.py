"""Pick face min/max CSV import: each bad line reported with its number, nothing imported
unless every line is good; good files create new faces and update existing ones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erp.imports import importer_for, services
from erp.imports.reading import check_text
from erp.imports.tasks import check_import_task, run_import_task
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from tests.warehouse.faces import Faces
from warehouse.models import PickFace

pytestmark = pytest.mark.django_db

HEADER = "site,bin,item,min,max,unit\n"


@pytest.fixture
def floor(tenant_a):
    return Faces(tenant_a, stock=1)


def _check(floor, text):
    with tenant_context(floor.tenant):
        return check_text(
            importer=importer_for("warehouse.pick_faces"), tenant=floor.tenant, text=text
        )


@pytest.mark.parametrize(
    "line,message",
    [
        ("NOPE,P-01,COFFEE,10,40,case", "unknown site 'NOPE'"),
        ("SITE,P-99,COFFEE,10,40,case", "unknown bin 'P-99' at site"),
        ("SITE,R-01,COFFEE,10,40,case", "bin R-01 is not a pick face"),
        ("SITE,P-01,NOPE,10,40,case", "unknown item 'NOPE'"),
        ("SITE,P-01,COFFEE,ten,40,case", "min 'ten' is not a number"),
        ("SITE,P-01,COFFEE,-1,40,case", "min -1 must not be negative"),
        ("SITE,P-01,COFFEE,40,40,case", "max 40 must be more than min 40"),
        ("SITE,P-01,COFFEE,10,,case", "max is empty"),
        ("SITE,P-01,COFFEE,10,40,pallet", "has no unit 'pallet'"),
        ("SITE,P-01,COFFEE,10", "has 4 fields; the header has 6"),
    ],
)
def test_each_kind_of_bad_line_is_reported_with_its_message(floor, line, message):
    line = line.replace("SITE", floor.site.code).replace("COFFEE", floor.coffee.sku)
    errors = _check(floor, HEADER + line + "\n").errors
    assert len(errors) == 1 and errors[0]["line"] == 2
    assert message in errors[0]["message"], errors


def test_the_same_face_twice_names_the_first_line(floor):
    line = f"{floor.site.code},P-01,{floor.coffee.sku},10,40,case\n"
    errors = _check(floor, HEADER + line + line).errors
    assert errors == [{"line": 3, "message": f"P-01 {floor.coffee.sku} is also on line 2"}]


def _upload(floor, user, text):
    with tenant_context(floor.tenant):
        return services.create_import(
            tenant=floor.tenant, user=user, kind="warehouse.pick_faces", filename="faces.csv",
            text=text,
        )  # fmt: skip


def test_a_junk_line_imports_nothing(floor, tenant_a):
    good = f"{floor.site.code},P-01,{floor.coffee.sku},10,40,case\n"
    job = _upload(floor, floor.supervisor, HEADER + good + "x,y,z,1,2,3\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "invalid"
        assert job.errors[0]["line"] == 3
        assert not PickFace.objects.exists()


def test_a_good_file_creates_and_updates_faces_with_history(floor, tenant_a):
    existing = floor.face(floor.cups, floor.p2, 5, 20)
    text = (
        HEADER
        + f"{floor.site.code},p-01,{floor.coffee.sku.lower()},10,40,case\n"
        + f"{floor.site.code},P-02,{floor.cups.sku},12.5,60,\n"
    )
    job = _upload(floor, floor.supervisor, text)
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "ready" and job.row_count == 2
        services.start_import(tenant=tenant_a, user=floor.supervisor, job=job)
    run_import_task(tenant_a.pk, job.pk)
    run_import_task(tenant_a.pk, job.pk)  # a redelivered task changes nothing
    with tenant_context(tenant_a):
        faces = {f.item_id: f for f in PickFace.objects.all()}
        assert len(faces) == 2
        coffee, cups = faces[floor.coffee.pk], faces[floor.cups.pk]
        assert (coffee.bin_id, coffee.min_quantity, coffee.max_quantity, coffee.unit) == (
            floor.p1.pk, Decimal(10), Decimal(40), "case",
        )  # fmt: skip
        assert cups.pk == existing.pk
        assert (cups.min_quantity, cups.max_quantity, cups.unit) == (Decimal("12.5"), 60, "each")
        assert coffee.history.get().history_user == floor.supervisor
        assert cups.history.count() == 2


def test_the_upload_page_shows_the_error_report(client, floor, tenant_a):
    client.force_login(floor.supervisor)
    upload = SimpleUploadedFile("faces.csv", (HEADER + "NOPE,P-01,X,1,2,\n").encode())
    response = client.post(reverse("warehouse:face_import"), {"file": upload})
    assert response.status_code == 302
    from erp.models import ImportJob

    with tenant_context(tenant_a):
        job = ImportJob.objects.get()
    check_import_task(tenant_a.pk, job.pk)
    page = client.get(response.url)
    assert b"Lines with errors" in page.content and b"unknown site" in page.content


def test_operators_cannot_import(client, floor, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(reverse("warehouse:face_import")).status_code == 403
