"""Exports of list pages (erp.exports): what the filters show, every row, as CSV and XLSX;
formula cells neutralised, numbers left numbers; other tenants' rows never in a file; large
exports as a job only its owner can see and download; a role that cannot open the page
cannot export it."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.exports.cells import csv_cell, neutralise
from erp.exports.models import ExportJob
from erp.exports.tasks import expire_exports_for_task, run_export_task
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.exports import csv_rows
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.pages import receive_at, ship_at, utc

pytestmark = pytest.mark.django_db

LEDGER = reverse("inventory:transaction_list")
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEADER = ["#", "Posted at", "Kind", "Reference", "Posted by", "Reason", "Lines", "Reversal"]


@pytest.fixture
def book(tenant_a, tenant_b):
    """Two receipts and a shipment in tenant A (one reference a formula), one receipt in B."""
    item = ItemFactory(tenant=tenant_a, sku="CUP-1", description="=cmd|' /C calc'!A0")
    bin = bin_in(tenant_a)
    first = receive_at(
        tenant_a, item, bin, 5, "2", utc("2025-01-01 08:00"), reference='=HYPERLINK("x")'
    )
    second = receive_at(tenant_a, item, bin, 3, "2", utc("2025-01-02 09:30"), reference="PO-2")
    shipment = ship_at(tenant_a, item, bin, 1, utc("2025-01-03 10:00"), reference="SO-7")
    other = ItemFactory(tenant=tenant_b, sku="SECRET-1")
    receive_at(tenant_b, other, bin_in(tenant_b), 9, "1", utc("2025-01-02 12:00"), reference="B-9")
    return {"first": first, "second": second, "shipment": shipment, "bin": bin}


def _cells(response) -> dict[str, tuple[str | None, str | None, str]]:
    """{"B2": (type, style, text)} of the first sheet of an XLSX response."""
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "xl/workbook.xml" in book.namelist()
        root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in root.iter(f"{SHEET}c"):
        value = cell.find(f"{SHEET}v")
        text = cell.find(f"{SHEET}is/{SHEET}t")
        shown = value.text if value is not None else text.text
        cells[cell.get("r")] = (cell.get("t"), cell.get("s"), shown)
    return cells


def test_formula_cells_are_neutralised_and_numbers_stay_numbers():
    for text in ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]:
        assert neutralise(text) == "'" + text
    assert neutralise("PO-2") == "PO-2"
    assert csv_cell("-SO-7") == "'-SO-7"
    assert csv_cell(Decimal("-1.5000")) == "-1.5000"  # a negative quantity: a number
    assert csv_cell(-3) == -3
    assert csv_cell(None) == ""


def test_csv_of_a_filtered_ledger_is_its_rows_and_nothing_of_another_tenant(client, tenant_a, book):
    client.force_login(member(tenant_a, Role.FINANCE))
    first, second = book["first"], book["second"]

    rows = csv_rows(client.get(LEDGER, {"kind": "receipt", "export": "csv"}))

    assert rows == [
        HEADER,
        [str(second.pk), "2025-01-02 09:30:00", "Receipt", "PO-2", "system", "", "2", ""],
        [str(first.pk), "2025-01-01 08:00:00", "Receipt", "'=HYPERLINK(\"x\")", "system", "", "2", ""],
    ]  # fmt: skip
    everything = csv_rows(client.get(LEDGER, {"export": "csv"}))
    assert len(everything) == 4 and "B-9" not in str(everything)

    # A negative quantity through a page: a number, not a neutralised string.
    detail = reverse("inventory:transaction_detail", args=[book["shipment"].pk])
    entries = csv_rows(client.get(detail, {"export": "csv"}))
    out = next(row for row in entries[1:] if row[7].startswith("-"))
    assert out[0] == "CUP-1" and out[1] == "'=cmd|' /C calc'!A0"
    assert Decimal(out[7]) == Decimal("-1") and Decimal(out[9]) == Decimal("-2")

    # The valuation (a grouped report read through read_on_replica): 8 in at 2, 1 out at 2.
    valuation = csv_rows(client.get(reverse("inventory:valuation"), {"export": "csv"}))
    assert valuation[0] == ["Site", "Time zone", "Category", "Quantity", "Value"]
    assert [valuation[1][2], Decimal(valuation[1][3]), Decimal(valuation[1][4])] == [
        "general",
        Decimal("7"),
        Decimal("14"),
    ]
    assert len(valuation) == 2


def test_xlsx_opens_with_numbers_and_dates_typed(client, tenant_a, book):
    client.force_login(member(tenant_a, Role.FINANCE))

    response = client.get(reverse("inventory:stock_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(
        r'filename="stockline-stock-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"]
    )
    cells = _cells(response)
    assert cells["A1"] == ("inlineStr", "3", "SKU")
    assert cells["A2"][2] == "CUP-1"
    on_hand, available = cells["J2"], cells["L2"]
    assert on_hand[0] is None and Decimal(on_hand[2]) == 7  # a number cell
    assert available[0] is None and Decimal(available[2]) == 7
    assert "A3" not in cells  # one balance in tenant A; B's is not there

    ledger = _cells(client.get(LEDGER, {"kind": "receipt", "export": "xlsx"}))
    # 2025-01-02 09:30 is day 45659 of Excel's calendar plus 9.5 of 24 hours.
    kind, style, serial = ledger["B2"]
    assert kind is None and style == "2"
    assert abs(float(serial) - (45659 + 9.5 / 24)) < 1e-6
    assert ledger["A2"][0] is None  # the transaction number as a number


def test_junk_filters_show_the_page_with_its_message_not_a_file(client, tenant_a, book):
    client.force_login(member(tenant_a, Role.FINANCE))
    response = client.get(LEDGER, {"date_from": "someday", "export": "csv"})
    assert response.status_code == 200 and not response.streaming
    assert "Enter a valid date" in response.content.decode()


def test_a_role_that_cannot_open_the_page_cannot_export_it(client, tenant_a, book):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(LEDGER, {"export": "csv"}).status_code == 403
    started = client.post(reverse("exports:start"), {"path": LEDGER, "query": "export=csv"})
    assert started.status_code == 403
    with tenant_context(tenant_a):
        assert not ExportJob.objects.exists()


def test_a_large_export_runs_as_a_job_that_only_its_owner_downloads(
    client,
    tenant_a,
    tenant_b,
    book,
    settings,
    tmp_path,
    sent_tasks,
    django_capture_on_commit_callbacks,
):
    settings.STOCKLINE_EXPORT_INLINE_ROWS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    owner = member(tenant_a, Role.FINANCE)
    client.force_login(owner)

    offer = client.get(LEDGER, {"kind": "receipt", "export": "csv"})
    assert not offer.streaming and "in the background" in offer.content.decode()
    with tenant_context(tenant_a):
        assert not ExportJob.objects.exists()  # a GET starts nothing

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("exports:start"), {"path": LEDGER, "query": "kind=receipt&export=csv"}
        )
    with tenant_context(tenant_a):
        job = ExportJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse(
        "exports:detail", args=[job.pk]
    )
    assert ("erp.exports.tasks.run_export_task", [tenant_a.pk, job.pk]) in sent_tasks
    assert "Waiting for a worker" in client.get(started["Location"]).content.decode()

    run_export_task(tenant_a.pk, job.pk)
    run_export_task(tenant_a.pk, job.pk)  # a redelivered task changes nothing

    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 2, 2)
    page = client.get(started["Location"]).content.decode()
    assert "Download" in page and "2 row(s) exported" in page
    assert "Transactions" in client.get(reverse("exports:list")).content.decode()
    download = reverse("exports:download", args=[job.pk])
    rows = csv_rows(client.get(download))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [str(book["second"].pk), str(book["first"].pk)]

    client.force_login(member(tenant_a, Role.FINANCE))  # a colleague with the same role
    assert client.get(download).status_code == 404
    assert client.get(started["Location"]).status_code == 404
    client.force_login(member(tenant_b, Role.FINANCE))
    assert client.get(download).status_code == 404

    with tenant_context(tenant_a):
        ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert expire_exports_for_task(tenant_a.pk) == 1
    assert list(tmp_path.rglob("*.csv")) == []
