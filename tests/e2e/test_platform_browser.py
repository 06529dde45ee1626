"""In Chromium: sign in, switch tenant, import a bins CSV with a progress bar, see the bins."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from tests.factories import PASSWORD, MembershipFactory, SiteFactory, ZoneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_tenant_import_bins(page: Page, live_server, celery_worker_thread, tmp_path):
    harbor = MembershipFactory(
        tenant__slug="harbor-e2e", tenant__name="Harbor E2E", role=Role.SUPERVISOR
    )
    consultant = harbor.user
    northwind = MembershipFactory(
        tenant__slug="northwind-e2e", tenant__name="Northwind E2E", user=consultant, role=Role.ADMIN
    ).tenant
    site = SiteFactory(tenant=northwind, code="CHI")
    ZoneFactory(site=site, code="PCK")
    SiteFactory(tenant=harbor.tenant, code="SEA")
    rows = "\n".join(f"CHI,PCK,E2E-{n:04},pick_face,{n},,,100,yes" for n in range(1, 1201))
    csv_file = tmp_path / "bins.csv"
    csv_file.write_text(
        "site,zone,code,type,walk_sequence,capacity_volume,capacity_weight,capacity_units,active\n"
        + rows
        + "\n"
    )

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(consultant.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".topbar")).to_contain_text("Harbor E2E")
    # As a supervisor at Harbor, settings are closed.
    assert page.goto(f"{live_server.url}/settings/bins/").status == 403

    page.goto(f"{live_server.url}/")
    page.locator("#tenant-switch").select_option(label="Northwind E2E · Admin")
    expect(page.locator(".messages")).to_contain_text("Now working in Northwind E2E as Admin")

    page.goto(f"{live_server.url}/settings/bins/import/")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".import-state")).to_have_text("Ready to import", timeout=20_000)
    expect(page.get_by_role("table").first).to_contain_text("E2E-0001")
    # Every status the page receives while importing, to see the progress bar was shown.
    bodies: list[str] = []
    page.on(
        "response",
        lambda r: (
            bodies.append(r.text())
            if "/settings/bins/import/" in r.url and r.request.method == "GET"
            else None
        ),
    )
    page.get_by_role("button", name="Import 1200 bins").click()
    expect(page.locator(".import-state")).to_have_text("Imported", timeout=30_000)
    assert any('role="progressbar"' in body and "Importing" in body for body in bodies)
    expect(page.locator("#import-status")).to_contain_text("Imported 1200 bin(s).")

    page.get_by_role("link", name="See the bins").click()
    expect(page.locator(".pager")).to_contain_text("1200 rows")
    page.get_by_placeholder("bin code").fill("E2E-1199")
    expect(page.locator("#bins-results tbody tr")).to_have_count(1)
    expect(page.locator("#bins-results")).to_contain_text("E2E-1199")

    # Harbor's own settings never show Northwind's bins.
    page.goto(f"{live_server.url}/")
    page.locator("#tenant-switch").select_option(label="Harbor E2E · Supervisor")
    expect(page.locator(".messages")).to_contain_text("Harbor E2E")
