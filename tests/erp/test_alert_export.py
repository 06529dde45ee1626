"""The alert inbox exports what its filters show (erp.exports, through `build_table`): the
member's role's alerts in the chosen state and kind, newest first, as on the page; another
tenant's alerts never; a message starting with a formula character is written inert; junk in
the filters gives the page with its message, not a file; a large one runs as a job."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from erp.exports.models import ExportJob
from erp.exports.tasks import run_export_task
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.exports import csv_rows
from tests.factories import AlertFactory, member
from tests.inventory.pages import utc

pytestmark = pytest.mark.django_db

INBOX = reverse("alerts:inbox")
HEADER = ["Raised", "Kind", "What", "Status"]
OVERDUE = "purchasing.overdue_receipt"  # registered as "Overdue receipts"
SHORT_PICK = "warehouse.short_pick"  # registered as "Short picks"
FORMULA = '=HYPERLINK("http://evil","PO-2")'
INERT = "'" + FORMULA  # what the CSV holds: a spreadsheet shows it as text
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture
def inbox(tenant_a, tenant_b):
    """Tenant A (UTC): four supervisor alerts (one acknowledged by Ann, one resolved, one
    whose message is a formula), one for finance only; tenant B: one supervisor alert."""
    supervisor = member(tenant_a, Role.SUPERVISOR)
    ann = member(tenant_a, Role.SUPERVISOR, user__full_name="Ann Smith")
    AlertFactory(
        tenant=tenant_a, kind=OVERDUE, message="PO-1 is 3 days late",
        raised_at=utc("2025-03-01 08:00"),
    )  # fmt: skip
    AlertFactory(
        tenant=tenant_a, kind=SHORT_PICK, message="Short pick: 2 of 5 CUP-1 in P-01",
        raised_at=utc("2025-03-02 09:15"), status="acknowledged", acknowledged_by=ann,
        acknowledged_at=utc("2025-03-02 09:20"),
    )  # fmt: skip
    AlertFactory(
        tenant=tenant_a, kind=OVERDUE, message=FORMULA,
        raised_at=utc("2025-03-03 10:30"),
    )  # fmt: skip
    AlertFactory(
        tenant=tenant_a, kind=OVERDUE, message="PO-0 was 1 day late",
        raised_at=utc("2025-02-20 07:00"), status="resolved", note="Received",
        resolved_by=ann, resolved_at=utc("2025-02-21 07:00"),
    )  # fmt: skip
    AlertFactory(
        tenant=tenant_a, kind=OVERDUE, message="Finance only", roles=["finance"],
        raised_at=utc("2025-03-04 10:00"),
    )  # fmt: skip
    AlertFactory(
        tenant=tenant_b, kind=OVERDUE, message="Bravo's PO-9 is late",
        raised_at=utc("2025-03-03 11:00"),
    )  # fmt: skip
    return supervisor


def test_the_inbox_shows_its_filters_and_export_links(client, inbox):
    client.force_login(inbox)
    response = client.get(INBOX, {"kind": OVERDUE})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="state"' in html and 'name="kind"' in html
    assert f'href="?kind={OVERDUE}&amp;sort=-raised_at&amp;export=csv"' in html
    assert "Export XLSX" in html
    # Open overdue receipts only: not the short pick, not the resolved one.
    assert "PO-1 is 3 days late" in html and "2 of 5 CUP-1" not in html
    assert "PO-0 was 1 day late" not in html and "Finance only" not in html
    # Acknowledging from a row comes back to the inbox as filtered, with a CSRF token.
    assert f'name="next" value="{INBOX}?kind={OVERDUE}"' in html
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{20,}"', html)


def test_the_csv_is_the_filtered_inbox_newest_first(client, inbox):
    client.force_login(inbox)

    active = csv_rows(client.get(INBOX, {"export": "csv"}))
    assert active == [
        HEADER,
        ["2025-03-03 10:30:00", "Overdue receipts", INERT, "Open"],
        ["2025-03-02 09:15:00", "Short picks", "Short pick: 2 of 5 CUP-1 in P-01", "Acknowledged (Ann)"],
        ["2025-03-01 08:00:00", "Overdue receipts", "PO-1 is 3 days late", "Open"],
    ]  # fmt: skip

    everything_overdue = csv_rows(
        client.get(INBOX, {"state": "all", "kind": OVERDUE, "export": "csv"})
    )
    assert everything_overdue == [
        HEADER,
        ["2025-03-03 10:30:00", "Overdue receipts", INERT, "Open"],
        ["2025-03-01 08:00:00", "Overdue receipts", "PO-1 is 3 days late", "Open"],
        ["2025-02-20 07:00:00", "Overdue receipts", "PO-0 was 1 day late", "Resolved"],
    ]  # fmt: skip

    oldest_first = csv_rows(
        client.get(INBOX, {"state": "open", "sort": "raised_at", "export": "csv"})
    )
    assert [row[2] for row in oldest_first[1:]] == [
        "PO-1 is 3 days late",
        INERT,
    ]


def test_the_xlsx_holds_a_formula_message_as_text_never_as_a_formula(client, inbox):
    client.force_login(inbox)
    response = client.get(INBOX, {"state": "open", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as book:
        root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = {cell.get("r"): cell for cell in root.iter(f"{SHEET}c")}
    message = cells["C2"]
    assert message.get("t") == "inlineStr"
    assert message.find(f"{SHEET}is/{SHEET}t").text == FORMULA
    assert not list(root.iter(f"{SHEET}f"))  # no cell of the sheet is a formula
    assert cells["C3"].find(f"{SHEET}is/{SHEET}t").text == "PO-1 is 3 days late"
    assert "C4" not in cells


def test_no_other_tenants_alerts_reach_an_export(client, inbox, tenant_b):
    client.force_login(inbox)
    mine = csv_rows(client.get(INBOX, {"state": "all", "export": "csv"}))
    assert len(mine) == 5 and "Bravo" not in str(mine) and "Finance only" not in str(mine)

    client.force_login(member(tenant_b, Role.SUPERVISOR))
    theirs = csv_rows(client.get(INBOX, {"state": "all", "export": "csv"}))
    assert theirs == [
        HEADER,
        ["2025-03-03 11:00:00", "Overdue receipts", "Bravo's PO-9 is late", "Open"],
    ]


def test_junk_filters_show_the_page_with_its_message_not_a_file(client, inbox):
    client.force_login(inbox)
    for junk in ({"kind": "no.such"}, {"state": "everything"}):
        response = client.get(INBOX, {**junk, "export": "csv"})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert "Select a valid choice" in html and "No alerts match" in html


def test_a_large_alert_export_runs_as_a_job_with_the_same_rows(
    client, inbox, tenant_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STOCKLINE_EXPORT_INLINE_ROWS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client.force_login(inbox)
    offer = client.get(INBOX, {"state": "open", "export": "csv"})
    assert not offer.streaming and "in the background" in offer.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start"), {"path": INBOX, "query": "state=open&export=csv"})
    with tenant_context(tenant_a):
        job = ExportJob.objects.get()
    run_export_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert (job.status, job.rows_done) == ("done", 2)
    rows = csv_rows(client.get(reverse("exports:download", args=[job.pk])))
    assert rows == [
        HEADER,
        ["2025-03-03 10:30:00", "Overdue receipts", INERT, "Open"],
        ["2025-03-01 08:00:00", "Overdue receipts", "PO-1 is 3 days late", "Open"],
    ]  # fmt: skip
