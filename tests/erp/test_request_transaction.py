"""A request runs in one transaction with its tenant; a failing view keeps none of its writes."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from erp.roles import any_member
from erp.tenancy import current_tenant_id, tenant_context
from inventory.models import Site
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


@any_member
def writes_then_fails(request):
    Site.objects.create(tenant=request.tenant, code="HALF", name="Half written")
    raise RuntimeError("boom")


@any_member
def writes_then_422(request):
    Site.objects.create(tenant=request.tenant, code="KEPT", name="Kept")
    return HttpResponse(str(current_tenant_id()), status=422)


urlpatterns = [path("fail/", writes_then_fails), path("keep/", writes_then_422)]


@override_settings(ROOT_URLCONF=__name__)
def test_failing_view_rolls_back_its_writes(client, tenant_a):
    client.raise_request_exception = False
    client.force_login(member(tenant_a))
    assert client.get("/fail/").status_code == 500
    with tenant_context(tenant_a):
        assert not Site.objects.filter(code="HALF").exists()


@override_settings(ROOT_URLCONF=__name__)
def test_view_sees_its_tenant_and_client_errors_commit(client, tenant_a):
    client.force_login(member(tenant_a))
    response = client.get("/keep/")
    assert response.status_code == 422 and response.content == str(tenant_a.pk).encode()
    with tenant_context(tenant_a):
        assert Site.objects.filter(code="KEPT").exists()
