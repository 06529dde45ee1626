"""The task queue's pages: "My work" hands out the next task only on Start, the supervisor's
queue filters (junk included) and its task page changes work with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import DefaultSite
from tests.factories import SiteFactory, ZoneFactory, member
from warehouse.models import Priority, WorkKind, WorkStatus, WorkTask
from warehouse.workqueue import kinds, services

pytestmark = pytest.mark.django_db

_reference = iter(range(1, 10_000_000))


@pytest.fixture
def counts(monkeypatch):
    """Count work whose page is /scan/count/<reference>/ (the counting flow's own page)."""
    monkeypatch.setitem(
        kinds._KINDS,
        WorkKind.COUNT,
        kinds.Kind(url=lambda reference: f"/scan/count/{reference}/", cancel=lambda **kw: None),
    )


def _at(client, tenant, site, role=Role.OPERATOR):
    user = member(tenant, role)
    with tenant_context(tenant):
        DefaultSite.objects.create(tenant=tenant, membership=user.memberships.get(), site=site)
    client.force_login(user)
    return user


def _work(tenant, site, **kwargs) -> WorkTask:
    kwargs.setdefault("summary", "Count bin A-01")
    with tenant_context(tenant):
        return services.add(
            tenant=tenant, kind=WorkKind.COUNT, reference=next(_reference), site=site, **kwargs
        )


def _status(task) -> tuple[str, int | None]:
    with tenant_context(task.tenant):
        task = WorkTask.objects.get(pk=task.pk)
    return task.status, task.assignee_id


def test_my_work_shows_the_next_task_and_claims_nothing(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    _at(client, tenant_a, site)
    task = _work(tenant_a, site, summary="Count bin B-07", priority=Priority.URGENT)

    page = client.get(reverse("warehouse:my_work"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Count bin B-07" in html and "Urgent" in html and ">Start</button>" in html
    assert _status(task) == (WorkStatus.OPEN, None)


def test_start_hands_the_task_over_and_opens_its_page(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    operator = _at(client, tenant_a, site)
    task = _work(tenant_a, site)

    response = client.post(reverse("warehouse:work_start"), {"task": task.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/scan/count/{task.reference}/"
    assert _status(task) == (WorkStatus.STARTED, operator.pk)
    page = client.get(reverse("warehouse:my_work")).content.decode()
    assert "Started by you" in page and f'href="/scan/count/{task.reference}/"' in page


def test_a_task_taken_meanwhile_says_so_and_shows_what_is_waiting(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    _at(client, tenant_a, site)
    other = member(tenant_a, Role.OPERATOR, user__full_name="Carla Diaz")
    task = _work(tenant_a, site, summary="Count bin C-01")
    with tenant_context(tenant_a):
        services.start(tenant=tenant_a, user=other, task=task)

    response = client.post(reverse("warehouse:work_start"), {"task": task.pk}, follow=True)

    assert "Count bin C-01 was started by Carla Diaz; pick another task." in (
        response.content.decode()
    )
    assert _status(task) == (WorkStatus.STARTED, other.pk)


def test_start_without_a_task_takes_the_most_urgent_of_the_zone(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    here, there = ZoneFactory(site=site), ZoneFactory(site=site)
    operator = _at(client, tenant_a, site)
    _work(tenant_a, site, zone=there, priority=Priority.URGENT)
    mine = _work(tenant_a, site, zone=here)

    client.post(reverse("warehouse:work_start"), {"zone": here.pk})

    assert _status(mine) == (WorkStatus.STARTED, operator.pk)


def test_nothing_waiting_and_junk_are_answered_in_words(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    _at(client, tenant_a, site)

    nothing = client.post(reverse("warehouse:work_start"), {}, follow=True).content.decode()
    junk = client.post(reverse("warehouse:work_start"), {"task": "1e9'"}, follow=True)
    zone = client.get(reverse("warehouse:my_work"), {"zone": "<script>"})

    assert "Nothing is waiting for you here." in nothing
    assert "That start came with junk in it" in junk.content.decode()
    assert zone.status_code == 200


def test_without_a_site_the_operator_is_told_to_choose_one(client, tenant_a, counts):
    SiteFactory(tenant=tenant_a), SiteFactory(tenant=tenant_a)  # two sites, no default
    client.force_login(member(tenant_a, Role.OPERATOR))

    page = client.get(reverse("warehouse:my_work")).content.decode()

    assert "Choose the site you work at in the top bar" in page


def test_the_queue_filters_by_type_assignee_and_age_and_survives_junk(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    _work(tenant_a, site, summary="Count bin Q-01")
    client.force_login(member(tenant_a, Role.SUPERVISOR))

    page = client.get(reverse("warehouse:work_queue"))
    unassigned = client.get(reverse("warehouse:work_queue"), {"assignee": "none", "kind": "count"})
    putaways = client.get(reverse("warehouse:work_queue"), {"kind": "putaway"})
    old = client.get(reverse("warehouse:work_queue"), {"older_than": "600"})
    junk = client.get(reverse("warehouse:work_queue"), {"kind": "x", "older_than": "-1e99"})

    assert page.status_code == 200 and "Count bin Q-01" in page.content.decode()
    assert "Count bin Q-01" in unassigned.content.decode()
    assert "Count bin Q-01" not in putaways.content.decode()
    assert "Count bin Q-01" not in old.content.decode()
    assert junk.status_code == 200
    assert "Select a valid choice" in junk.content.decode()


def test_the_queue_polls_with_its_filters_for_htmx(client, tenant_a, counts):
    _work(tenant_a, SiteFactory(tenant=tenant_a), summary="Count bin H-01")
    client.force_login(member(tenant_a, Role.SUPERVISOR))

    partial = client.get(
        reverse("warehouse:work_queue"), {"kind": "count"}, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="work-results",
    )  # fmt: skip

    html = partial.content.decode()
    assert "Count bin H-01" in html and "<h1>" not in html


def test_a_supervisor_reassigns_and_cancels_with_a_reason(client, tenant_a, counts):
    site = SiteFactory(tenant=tenant_a)
    task = _work(tenant_a, site, summary="Count bin R-01")
    picker = member(tenant_a, Role.OPERATOR, user__full_name="Dana Fox")
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    change = reverse("warehouse:work_change", args=[task.pk])

    client.post(change, {"action": "reassign", "assignee": picker.pk, "reason": "she is there"})
    refused = client.post(change, {"action": "cancel", "reason": " "})
    client.post(change, {"action": "cancel", "reason": "counted by hand"})
    page = client.get(reverse("warehouse:work_detail", args=[task.pk])).content.decode()

    assert refused.status_code == 422
    assert "Say why the work is cancelled." in refused.content.decode()
    assert _status(task) == (WorkStatus.CANCELLED, picker.pk)
    assert "reassign to Dana Fox: she is there" in page and "cancel: counted by hand" in page


def test_operators_cannot_open_the_queue_or_change_work(client, tenant_a, counts):
    task = _work(tenant_a, SiteFactory(tenant=tenant_a))
    client.force_login(member(tenant_a, Role.OPERATOR))

    assert client.get(reverse("warehouse:work_queue")).status_code == 403
    change = reverse("warehouse:work_change", args=[task.pk])
    assert client.post(change, {"action": "cancel", "reason": "mine"}).status_code == 403
    assert _status(task) == (WorkStatus.OPEN, None)
