"""Every URL in the configuration renders for its roles, refuses the others (403), and
answers 404 when it names another tenant's object. A new URL fails here until it is listed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from erp.roles import Role
from tests.factories import (
    BinFactory,
    ItemFactory,
    ItemUnitFactory,
    MembershipFactory,
    SiteFactory,
    ZoneFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _import_job(tenant, kind="inventory.bins"):
    from erp.models import ImportJob
    from erp.tenancy import tenant_context

    with tenant_context(tenant):
        return ImportJob.objects.create(
            tenant=tenant,
            kind=kind,
            created_by=member(tenant),
            filename="x.csv",
            content="site\n",
            status="invalid",
        )


# URL name -> builds the kwargs from a tenant (creating the object the URL names).
OBJECT_URLS: dict[str, Callable] = {
    "users:detail": lambda t: {"pk": MembershipFactory(tenant=t).pk},
    "inventory:site_detail": lambda t: {"pk": SiteFactory(tenant=t).pk},
    "inventory:zone_detail": lambda t: {"pk": ZoneFactory(site=SiteFactory(tenant=t)).pk},
    "inventory:bin_detail": lambda t: {
        "pk": BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=t))).pk
    },
    "inventory:bin_label": lambda t: {
        "pk": BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=t))).pk
    },
    "inventory:bin_import_detail": lambda t: {"pk": _import_job(t).pk},
    "inventory:bin_import_start": lambda t: {"pk": _import_job(t).pk},
    "inventory:item_detail": lambda t: {"pk": ItemFactory(tenant=t).pk},
    "inventory:item_edit": lambda t: {"pk": ItemFactory(tenant=t).pk},
    "inventory:unit_create": lambda t: {"pk": ItemFactory(tenant=t).pk},
    "inventory:unit_edit": lambda t: {"pk": ItemUnitFactory(item=ItemFactory(tenant=t)).pk},
    "inventory:unit_remove": lambda t: {"pk": ItemUnitFactory(item=ItemFactory(tenant=t)).pk},
    "inventory:item_import_detail": lambda t: {"pk": _import_job(t, "inventory.items").pk},
    "inventory:item_import_start": lambda t: {"pk": _import_job(t, "inventory.items").pk},
}
# Public pages that need arguments, and what to pass.
PUBLIC_WITH_ARGS = {"accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"}}
# Views that only accept POST (GET answers 405).
POST_ONLY = {
    "accounts:logout",
    "switch_tenant",
    "inventory:bin_labels",
    "inventory:bin_import_start",
    "inventory:item_import_start",
}


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _patterns(entry, ns)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


ALL = _patterns(get_resolver())


def test_every_url_declares_who_may_use_it():
    undeclared = [name for name, p in ALL if not hasattr(p.callback, "allowed_roles")]
    assert undeclared == [], "decorate these views with roles_required/any_member/public"
    needs_args = {name for name, p in ALL if p.pattern.converters or "<" in str(p.pattern)}
    unlisted = needs_args - set(OBJECT_URLS) - set(PUBLIC_WITH_ARGS)
    assert unlisted == set(), f"add these to OBJECT_URLS: {sorted(unlisted)}"


@pytest.mark.parametrize("name,pattern", ALL, ids=[n for n, _ in ALL])
def test_url_renders_for_its_roles_and_refuses_the_others(name, pattern, client, tenant_a):
    allowed = pattern.callback.allowed_roles
    if allowed is None:  # public
        url = reverse(name, kwargs=PUBLIC_WITH_ARGS.get(name))
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code in (200, 302), response.status_code
        return
    kwargs = OBJECT_URLS[name](tenant_a) if name in OBJECT_URLS else None
    url = reverse(name, kwargs=kwargs)
    anonymous = client.get(url)
    assert anonymous.status_code in (302, 405)
    for role in Role:
        client.force_login(member(tenant_a, role))
        response = client.post(url) if name in POST_ONLY else client.get(url)
        if role in allowed:
            assert response.status_code in (200, 302), f"{role}: {response.status_code}"
            if name not in POST_ONLY:
                assert response.status_code == 200
        else:
            assert response.status_code == 403, f"{role} should be refused {name}"
        client.logout()


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_another_tenants_object_answers_404(name, client, tenant_a, tenant_b):
    pattern = dict(ALL)[name]
    kwargs = OBJECT_URLS[name](tenant_b)
    role = sorted(pattern.callback.allowed_roles)[0]
    client.force_login(member(tenant_a, role))
    url = reverse(name, kwargs=kwargs)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
