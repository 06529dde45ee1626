"""An import's upload and its start, each sent twice in a row and twice at once, make one
import job and start it once (issue 9); revoking an API token twice revokes it once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erp.api.models import ApiToken
from erp.imports.models import ImportJob
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import api_token, member

CSV = "site,zone,code,type\nMAIN,PICK,A-1,pick_face\n"


def _jobs(tenant):
    return reading(tenant, jobs=lambda: list(ImportJob.objects.values_list("status", flat=True)))


def upload(tenant) -> Form:
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("inventory:bin_import"),
        # Each post reads its own file, as each browser sends its own copy.
        data=lambda: {"file": SimpleUploadedFile("bins.csv", CSV.encode())},
        effect=_jobs(tenant),
        before={"jobs": []},
        once={"jobs": ["validating"]},
    )


def start(tenant) -> Form:
    admin = member(tenant, Role.ADMIN)
    with tenant_context(tenant):
        job = ImportJob.objects.create(
            tenant=tenant, kind="inventory.bins", created_by=admin, filename="bins.csv",
            content=CSV, status="ready", row_count=1,
        )  # fmt: skip
    return Form(
        user=admin,
        url=reverse("inventory:bin_import_start", args=[job.pk]),
        data={},
        effect=_jobs(tenant),
        before={"jobs": ["ready"]},
        once={"jobs": ["importing"]},
    )


def revoke(tenant) -> Form:
    token, _ = api_token(tenant)
    history = reading(
        tenant,
        revocations=lambda: ApiToken.history.filter(id=token.pk, revoked_at__isnull=False).count(),
    )
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("api_tokens:revoke", args=[token.pk]),
        data={},
        effect=history,
        before={"revocations": 0},
        once={"revocations": 1},
    )


FORMS = [upload, start, revoke]


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
