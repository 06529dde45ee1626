"""Scanner queues hand out the work of the operator's current site only: a picker at one site
never starts another site's batch, a put-away never sends them across town."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import DefaultSite
from tests.erp.test_url_coverage import _putaway_task
from tests.factories import member
from tests.warehouse.outbound import Floor

pytestmark = pytest.mark.django_db


def _working_at(client, tenant, site):
    user = member(tenant, Role.OPERATOR)
    with tenant_context(tenant):
        DefaultSite.objects.create(tenant=tenant, membership=user.memberships.get(), site=site)
    client.force_login(user)
    return user


def test_pick_lists_only_the_batches_of_the_current_site(client, tenant_a):
    here, there = Floor(tenant_a), Floor(tenant_a)
    here_wave, there_wave = here.released_wave(), there.released_wave()
    with tenant_context(tenant_a):
        here_batch, there_batch = here_wave.batches.get(), there_wave.batches.get()
    _working_at(client, tenant_a, here.site)

    page = client.get(reverse("warehouse:pick_next")).content.decode()

    assert f"Start {here_batch}" in page
    assert f"Start {there_batch}" not in page
    client.post(reverse("inventory:switch_site"), {"site": there.site.pk, "next": "/scan/pick/"})
    page = client.get(reverse("warehouse:pick_next")).content.decode()
    assert f"Start {there_batch}" in page
    assert f"Start {here_batch}" not in page


def test_putaway_sends_the_operator_to_a_task_at_their_site_or_none(client, tenant_a):
    task = _putaway_task(tenant_a)
    with tenant_context(tenant_a):
        site_id = task.from_location.site_id
    elsewhere = Floor(tenant_a).site
    _working_at(client, tenant_a, elsewhere)

    nothing = client.get(reverse("warehouse:putaway_next"))
    assert nothing.status_code == 200
    assert f"No putaway tasks are waiting at {elsewhere.code}".encode() in nothing.content

    client.post(reverse("inventory:switch_site"), {"site": site_id})
    assert client.get(reverse("warehouse:putaway_next")).url == reverse(
        "warehouse:putaway_task", args=[task.pk]
    )
