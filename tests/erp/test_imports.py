"""The import framework with a throw-away importer: reading, the error report, the state
machine, failures and the registry."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from erp.errors import ImportNotReady
from erp.imports import Column, Importer, PreviewColumn, importer_for, register, registry
from erp.imports import services as imports
from erp.imports.reading import check_text
from erp.imports.tasks import check_import_task, run_import_task
from erp.models import ImportJob
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member

pytestmark = pytest.mark.django_db

WRITTEN: list[list[dict]] = []


def _check(*, tenant, lines):
    rows, errors = [], []
    for line in lines:
        name = line.cells["name"]
        if name.startswith("bad"):
            errors.append({"line": line.number, "message": f"name '{name}' is bad"})
        else:
            rows.append({"name": name})
    return rows, errors


def _write(*, tenant, job, rows, progress):
    if any(r["name"] == "explode" for r in rows):
        raise RuntimeError("disk on fire")
    WRITTEN.append(rows)
    progress(len(rows))
    return len(rows)


THINGS = Importer(
    kind="tests.things",
    label="Things",
    noun="thing",
    noun_plural="things",
    columns=(Column("name", "any text", required=True), Column("note", "optional")),
    check=_check,
    write=_write,
    roles=frozenset({Role.PLANNER}),
    url_name="inventory:bin_import",
    done_url_name="inventory:bin_list",
    preview=(PreviewColumn("Name", lambda r: r["name"].upper()),),
)


@pytest.fixture(autouse=True)
def things(monkeypatch):
    monkeypatch.setitem(registry._importers, THINGS.kind, THINGS)
    WRITTEN.clear()
    return THINGS


@pytest.fixture
def planner(tenant_a):
    return member(tenant_a, Role.PLANNER)


def _read(tenant, text):
    return check_text(importer=THINGS, tenant=tenant, text=text)


def test_blank_lines_are_skipped_and_line_numbers_stay_the_files(tenant_a):
    checked = _read(tenant_a, "name,note\n\nfine,x\n , \nbad-1,\n")
    assert checked.total == 2
    assert checked.rows == [{"name": "fine"}]
    assert checked.errors == [{"line": 5, "message": "name 'bad-1' is bad"}]


def test_framework_and_importer_errors_come_sorted_by_line(tenant_a):
    checked = _read(tenant_a, "name,note\nbad-a,\nshort\nbad-b,\n")
    assert [e["line"] for e in checked.errors] == [2, 3, 4]
    assert checked.errors[1]["message"] == "has 1 fields; the header has 2"


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "The file has no header row."),
        ("note\nx\n", "Header: missing column(s): name. Expected: name, note."),
        ("name,name\nx,y\n", "a column appears twice"),
        ("name,note\n", "The file has a header but no things."),
    ],
)
def test_whole_file_problems_are_reported(tenant_a, text, message):
    checked = _read(tenant_a, text)
    assert checked.rows == []
    assert message in checked.errors[0]["message"]


def test_unreadable_csv_is_reported_at_its_line(tenant_a):
    checked = _read(tenant_a, "name,note\nok,\n" + "x" * 200_000 + ",\n")
    assert checked.errors == [
        {
            "line": 3,
            "message": "the CSV cannot be read here: field larger than field limit (131072)",
        }
    ]


def _upload(tenant, user, text):
    with tenant_context(tenant):
        return imports.create_import(
            tenant=tenant, user=user, kind=THINGS.kind, filename="things.csv", text=text
        )


def test_ready_job_keeps_a_preview_and_imports_once(tenant_a, planner):
    job = _upload(tenant_a, planner, "name\nalpha\nbeta\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == "ready" and job.preview == [["ALPHA"], ["BETA"]]
        assert job.message == "2 thing(s) checked without errors."
        imports.start_import(tenant=tenant_a, user=planner, job=job)
        with pytest.raises(ImportNotReady, match="This import is importing"):
            imports.start_import(tenant=tenant_a, user=planner, job=job)
    run_import_task(tenant_a.pk, job.pk)
    run_import_task(tenant_a.pk, job.pk)
    assert WRITTEN == [[{"name": "alpha"}, {"name": "beta"}]]
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert (job.status, job.imported_count, job.message) == ("done", 2, "Imported 2 thing(s).")
    shown = imports.progress(job)
    assert {k: shown[k] for k in ("phase", "done", "total")} == {
        "phase": "importing",
        "done": 2,
        "total": 2,
    }
    assert shown["at"] <= timezone.now()  # the heartbeat: when the worker last reported


def test_error_report_is_capped_but_counts_every_bad_line(tenant_a, planner):
    job = _upload(tenant_a, planner, "name\n" + "".join(f"bad-{n}\n" for n in range(1005)))
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert job.status == "invalid" and len(job.errors) == 1000
    assert job.message.startswith("1005 line(s) have errors; the first 1000 are listed.")


def test_a_failing_write_marks_the_job_failed_and_keeps_nothing(tenant_a, planner):
    job = _upload(tenant_a, planner, "name\nexplode\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        imports.start_import(tenant=tenant_a, user=planner, job=ImportJob.objects.get(pk=job.pk))
    with pytest.raises(RuntimeError):
        run_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert job.status == "failed" and job.message == "The import stopped: disk on fire"
    assert WRITTEN == []


def test_the_importers_roles_guard_upload_and_start(tenant_a, planner):
    from erp.errors import RoleRequired

    with pytest.raises(RoleRequired):
        _upload(tenant_a, member(tenant_a, Role.ADMIN), "name\nx\n")
    job = _upload(tenant_a, planner, "name\nx\n")
    check_import_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        imports.start_import(tenant=tenant_a, user=member(tenant_a, Role.FINANCE), job=job)


def test_progress_of_a_long_check_reaches_the_cache(tenant_a, planner, monkeypatch):
    monkeypatch.setattr("erp.imports.reading.PROGRESS_EVERY", 2)
    seen = []
    monkeypatch.setattr(
        "erp.imports.services._progress",
        lambda job_id, phase, done, total: seen.append((phase, done)),
    )
    job = _upload(tenant_a, planner, "name\na\nb\nc\nd\n")
    check_import_task(tenant_a.pk, job.pk)
    assert ("validating", 2) in seen and ("validating", 4) in seen
    assert seen[-1] == ("ready", 4)


def test_registry_refuses_a_second_importer_for_a_kind_and_names_unknown_kinds():
    from dataclasses import replace

    with pytest.raises(ImproperlyConfigured, match="Two importers"):
        register(replace(THINGS, label="Other things"))
    assert register(THINGS) is THINGS
    with pytest.raises(ImproperlyConfigured, match="No importer registered for kind 'nope'"):
        importer_for("nope")
