"""The current site: where a member starts (an admin sets it), switching it in the top bar
(a POST with its CSRF token, only to one's own tenant's active sites), and where it counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import DefaultSite
from tests.factories import MembershipFactory, SiteFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(tenant_a):
    return SiteFactory(tenant=tenant_a, code="CHI"), SiteFactory(tenant=tenant_a, code="ATL")


def _current(client):
    return client.get(reverse("inventory:scan_move")).context["current_site"]


def test_an_admin_sets_where_a_member_starts(admin_client, tenant_a, sites):
    _chi, atl = sites
    membership = MembershipFactory(tenant=tenant_a, role=Role.OPERATOR)
    response = admin_client.post(
        reverse("inventory:member_site", args=[membership.pk]), {"site": atl.pk}
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert DefaultSite.objects.get(membership=membership).site == atl
    site_page = admin_client.get(reverse("inventory:site_detail", args=[atl.pk]))
    assert membership.user.email.encode() in site_page.content
    user_page = admin_client.get(reverse("users:detail", args=[membership.pk]))
    assert reverse("inventory:member_site", args=[membership.pk]).encode() in user_page.content
    operator = Client()
    operator.force_login(membership.user)
    assert _current(operator) == atl
    page = operator.get(reverse("inventory:scan_move"))
    assert b"At ATL" in page.content
    cleared = admin_client.post(
        reverse("inventory:member_site", args=[membership.pk]), {"site": ""}
    )
    assert cleared.status_code == 302
    with tenant_context(tenant_a):
        assert not DefaultSite.objects.filter(membership=membership).exists()
    assert _current(operator) is None  # two sites, no default, nothing chosen


def test_without_a_default_the_only_site_is_current_and_several_leave_it_open(client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    only = SiteFactory(tenant=tenant_a, code="ONE")
    assert _current(client) == only
    SiteFactory(tenant=tenant_a, code="TWO")
    assert _current(client) is None
    assert b"Choose a site" in client.get(reverse("inventory:scan_move")).content


def test_switching_sets_the_current_site_and_returns_to_the_page(client, tenant_a, sites):
    chi, atl = sites
    client.force_login(member(tenant_a, Role.OPERATOR))
    response = client.post(
        reverse("inventory:switch_site"), {"site": atl.pk, "next": "/scan/move/"}
    )
    assert response.status_code == 302 and response["Location"] == "/scan/move/"
    assert _current(client) == atl
    client.post(reverse("inventory:switch_site"), {"site": chi.pk})
    assert _current(client) == chi


def test_the_switch_is_a_post_that_needs_its_csrf_token(tenant_a, sites):
    _chi, atl = sites
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member(tenant_a, Role.OPERATOR))
    page = strict.get(reverse("inventory:scan_move"))
    assert b'action="/site/switch/"' in page.content
    assert strict.get(reverse("inventory:switch_site")).status_code == 405
    assert strict.post(reverse("inventory:switch_site"), {"site": atl.pk}).status_code == 403
    token = page.context["csrf_token"]
    response = strict.post(
        reverse("inventory:switch_site"), {"site": atl.pk, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert strict.get(reverse("inventory:scan_move")).context["current_site"] == atl


def test_another_tenants_site_answers_404_and_changes_nothing(client, tenant_a, tenant_b, sites):
    chi, _atl = sites
    theirs = SiteFactory(tenant=tenant_b, code="THEIRS")
    client.force_login(member(tenant_a, Role.OPERATOR))
    client.post(reverse("inventory:switch_site"), {"site": chi.pk})
    assert client.post(reverse("inventory:switch_site"), {"site": theirs.pk}).status_code == 404
    assert _current(client) == chi
    page = client.get(reverse("inventory:scan_move"))
    assert b"THEIRS" not in page.content and b">ATL<" in page.content


def test_an_inactive_site_cannot_be_chosen(client, tenant_a, sites):
    closed = SiteFactory(tenant=tenant_a, code="OLD", is_active=False)
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.post(reverse("inventory:switch_site"), {"site": closed.pk}).status_code == 404
    assert b">OLD<" not in client.get(reverse("inventory:scan_move")).content


def test_next_outside_the_site_is_ignored(client, tenant_a, sites):
    _chi, atl = sites
    client.force_login(member(tenant_a, Role.OPERATOR))
    response = client.post(
        reverse("inventory:switch_site"), {"site": atl.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_each_tenant_keeps_its_own_current_site(client, tenant_a, tenant_b, sites):
    _chi, atl = sites
    sea = SiteFactory(tenant=tenant_b, code="SEA")
    SiteFactory(tenant=tenant_b, code="POR")
    user = member(tenant_a, Role.OPERATOR)
    MembershipFactory(tenant=tenant_b, user=user, role=Role.OPERATOR)
    client.force_login(user)
    client.post(reverse("switch_tenant"), {"tenant": tenant_a.pk})
    client.post(reverse("inventory:switch_site"), {"site": atl.pk})
    client.post(reverse("switch_tenant"), {"tenant": tenant_b.pk})
    assert _current(client) is None
    client.post(reverse("inventory:switch_site"), {"site": sea.pk})
    assert _current(client) == sea
    client.post(reverse("switch_tenant"), {"tenant": tenant_a.pk})
    assert _current(client) == atl
