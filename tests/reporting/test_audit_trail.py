"""Audit trail: stock transactions and history records in one list, found by user, date range,
item, lot, serial and document; its PDF report inline and as a background job."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from erp.idempotency import FIELD, new_key
from erp.roles import Role
from erp.tenancy import tenant_context
from reporting import pdf as report_pdf
from reporting.models import AuditReport
from reporting.tasks import build_audit_report_task
from tests.factories import ItemFactory, LotFactory, SerialFactory, bin_in, member
from tests.inventory.pages import receive_at, rows, utc

URL = reverse("reporting:audit_trail")
PDF = reverse("reporting:audit_pdf")


def _trail(tenant_a, tenant_b):
    """In tenant A: three receipts in March 2025 (apple lot L-77 by finance, pear by the
    supervisor, widget SN-9 by nobody) and a change of the pear by the supervisor; in tenant
    B: a receipt with the same SKU and reference."""
    finance = member(tenant_a, Role.FINANCE, user__full_name="Fay Finance")
    supervisor = member(tenant_a, Role.SUPERVISOR, user__full_name="Sam Super")
    apple = ItemFactory(tenant=tenant_a, sku="APPLE", tracking="lot")
    lot = LotFactory(item=apple, code="L-77")
    widget = ItemFactory(tenant=tenant_a, sku="WIDGET", tracking="serial")
    serial = SerialFactory(item=widget, serial="SN-9")
    pear = ItemFactory(tenant=tenant_a, sku="PEAR", description="Pear")
    place = bin_in(tenant_a)
    t1 = receive_at(
        tenant_a, apple, place, 10, "2.00", utc("2025-03-01 09:00"),
        user=finance, reference="PO-1001/1", lot=lot,
    )  # fmt: skip
    t2 = receive_at(
        tenant_a, pear, place, 5, "1.00", utc("2025-03-02 09:00"),
        user=supervisor, reference="PO-1002/1",
    )  # fmt: skip
    t3 = receive_at(
        tenant_a, widget, place, 1, "9.00", utc("2025-03-03 09:00"), reference="RMA-5",
        serial=serial,
    )  # fmt: skip
    with tenant_context(tenant_a):
        pear.description = "Green pear"
        pear._history_user = supervisor
        pear.save()
    other = ItemFactory(tenant=tenant_b, sku="APPLE")
    theirs = receive_at(
        tenant_b, other, bin_in(tenant_b), 3, "1.00", utc("2025-03-01 10:00"),
        reference="PO-1001/1",
    )  # fmt: skip
    return {
        "finance": finance, "supervisor": supervisor, "t1": t1, "t2": t2, "t3": t3,
        "pear": pear, "apple": apple, "theirs": theirs,
    }  # fmt: skip


@pytest.fixture
def trail(tenant_a, tenant_b):
    return _trail(tenant_a, tenant_b)


def _keys(response) -> list[str]:
    return [row.id for row in rows(response)]


def _tx(*transactions) -> list[str]:
    return [f"t:{t.pk}" for t in transactions]


@pytest.mark.django_db
def test_filters_find_their_rows_and_no_others(client, trail):
    client.force_login(trail["finance"])
    t1, t2, t3 = trail["t1"], trail["t2"], trail["t3"]
    by_user = client.get(URL, {"user": trail["supervisor"].pk})
    assert by_user.status_code == 200
    listed = rows(by_user)
    # Newest first: the pear's change (today) above the supervisor's receipt (March 2025).
    assert [r.what for r in listed] == ["Item changed", "Receipt"]
    assert listed[1].id == f"t:{t2.pk}" and listed[0].document == "PEAR"
    assert _keys(client.get(URL, {"user": trail["finance"].pk})) == _tx(t1)
    assert _keys(client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"})) == _tx(t2)
    assert _keys(client.get(URL, {"lot": "l-77"})) == _tx(t1)
    assert _keys(client.get(URL, {"serial": "SN-9"})) == _tx(t3)
    assert _keys(client.get(URL, {"document": "PO-100"})) == _tx(t2, t1)
    # The item's own history (its creation) and the transaction that moved it.
    by_item = rows(client.get(URL, {"item": "apple"}))
    assert [(r.what, r.object_id) for r in by_item] == [
        ("Item created", trail["apple"].pk),
        ("Receipt", t1.pk),
    ]
    stock = client.get(URL, {"show": "stock", "date_from": "2025-01-01"})
    assert _keys(stock) == _tx(t3, t2, t1)  # tenant B's receipt of 1 March is not there


@pytest.mark.django_db
def test_history_change_shows_the_fields_in_words(client, trail):
    client.force_login(trail["supervisor"])
    change = rows(client.get(URL, {"user": trail["supervisor"].pk, "show": "changes"}))
    assert len(change) == 1
    page = client.get(change[0].url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Item changed" in text and "Pear" in text and "Green pear" in text
    assert change[0].object_url == reverse("inventory:item_detail", args=[trail["pear"].pk])


@pytest.mark.django_db
def test_junk_filters_say_what_is_wrong(client, trail):
    client.force_login(trail["finance"])
    for params, message in [
        ({"date_from": "2025-13-40"}, "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "Give a day between 1900 and 2999."),
        ({"date_from": "2025-03-05", "date_to": "2025-03-01"}, "The range ends before it starts."),
        ({"item": "NOPE"}, "No item with SKU “NOPE”."),
        ({"lot": "L-404"}, "No lot “L-404”."),
        ({"serial": "SN-404"}, "No serial number “SN-404”."),
        ({"user": "99999999"}, "Select a valid choice."),
        ({"cursor": "junk"}, ""),
    ]:
        response = client.get(URL, params)
        assert response.status_code == 200, params
        assert message in response.content.decode(), params
    refused = client.get(PDF, {"item": "NOPE"})
    assert refused.status_code == 400
    assert "No item with SKU" in refused.content.decode()


@pytest.mark.django_db
def test_tenant_isolation_and_roles(client, trail, tenant_a, tenant_b):
    theirs = member(tenant_b, Role.FINANCE)
    client.force_login(theirs)
    keys = _keys(client.get(URL, {"show": "stock"}))
    assert keys == _tx(trail["theirs"])
    # Tenant A's change, asked for from tenant B: not found.
    with tenant_context(tenant_a):
        history_id = trail["pear"].history.latest().history_id
    change = reverse("reporting:audit_change", args=["inventory.item", history_id])
    assert client.get(change).status_code == 404
    for role, status in [(Role.PLANNER, 403), (Role.OPERATOR, 403), (Role.SUPERVISOR, 200)]:
        client.force_login(member(tenant_a, role))
        assert client.get(URL).status_code == status, role
        assert client.get(PDF, {"show": "stock"}).status_code == status, role
        # The menu's Reports section links the trail for those who may open it.
        assert (f'href="{URL}"' in client.get("/").content.decode()) == (status == 200), role


def _text(content: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_small_pdf_downloads_at_once_with_its_heading_and_page_numbers(client, trail, monkeypatch):
    client.force_login(trail["finance"])
    response = client.get(PDF, {"user": trail["supervisor"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = _text(b"".join(response.streaming_content))
    assert pages == 1
    for words in ["Audit trail", "Alpha Wholesale", "Period: all dates", "User: Sam Super",
                  "by Fay Finance", "Page 1 of 1", "Item changed", "PO-1002/1", "Receipt"]:  # fmt: skip
        assert words in text, words
    assert "PO-1001/1" not in text
    # Rows 100 pt high on A4 landscape (595.28 pt; margins 2 x 34.02): page 1 keeps
    # 595.28 - 68.03 - title (22 + 4 lines x 12) - 2 x 100 - 14 = 243.25 pt: 2 rows; later
    # pages 595.28 - 68.03 - 2 x 100 - 28 = 299.25 pt: 2 rows. Three receipts: 2 pages.
    monkeypatch.setattr(report_pdf, "ROW", 100.0)
    pages, text = _text(b"".join(client.get(PDF, {"show": "stock"}).streaming_content))
    assert pages == 2
    assert "Page 1 of 2" in text and "Page 2 of 2" in text and "Show: Stock transactions" in text
    assert text.index("RMA-5") < text.index("PO-1002/1") < text.index("PO-1001/1")


@pytest.mark.django_db
def test_large_pdf_is_built_by_a_job_that_only_its_requester_downloads(
    client, trail, tenant_a, tenant_b, settings, tmp_path, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.STOCKLINE_AUDIT_PDF_INLINE_ROWS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    queued = []
    monkeypatch.setattr(build_audit_report_task, "delay", lambda *args: queued.append(args))
    client.force_login(trail["finance"])
    offer = client.get(PDF, {"show": "stock"})
    assert offer.status_code == 200 and b"Build the PDF" in offer.content
    key = new_key()
    start = reverse("reporting:audit_report_start")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(start, {"query": "show=stock", FIELD: key})
        again = client.post(start, {"query": "show=stock", FIELD: key})  # a double tap
    assert first.status_code == again.status_code == 302
    with tenant_context(tenant_a):
        report = AuditReport.objects.get()
    assert first["Location"] == reverse("reporting:audit_report", args=[report.pk])
    assert queued == [(tenant_a.pk, report.pk)]
    waiting = client.get(first["Location"], headers={"HX-Request": "true"})
    assert b"every 1s" in waiting.content and b"Waiting for a worker" in waiting.content

    build_audit_report_task(*queued[0])  # what the worker runs

    with tenant_context(tenant_a):
        report.refresh_from_db()
    assert (report.status, report.row_count, report.rows_done, report.page_count) == (
        "done", 3, 3, 1,
    )  # fmt: skip
    done = client.get(first["Location"], headers={"HX-Request": "true"})
    assert b"every 1s" not in done.content and b"Download the PDF" in done.content
    download = reverse("reporting:audit_report_download", args=[report.pk])
    response = client.get(download)
    assert response.status_code == 200
    pages, text = _text(b"".join(response.streaming_content))
    assert pages == 1 and "RMA-5" in text and "Page 1 of 1" in text
    # Another member of the tenant, or the requester's id in another tenant: not found.
    client.force_login(trail["supervisor"])
    assert client.get(download).status_code == 404
    assert client.get(first["Location"]).status_code == 404
    client.force_login(member(tenant_b, Role.ADMIN))
    assert client.get(download).status_code == 404
