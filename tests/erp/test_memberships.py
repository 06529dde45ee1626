"""Admins add users and change roles; services enforce the role as well as the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from erp import services
from erp.errors import RoleRequired
from erp.models import Membership, User
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db


def test_admin_adds_a_new_user_who_gets_a_set_password_email(
    admin_client, tenant_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("users:add"),
            {"email": "New.Person@Example.test", "full_name": "New Person", "role": "planner"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert not user.has_usable_password()
    with tenant_context(tenant_a):
        assert Membership.objects.get(user=user).role == Role.PLANNER
    assert len(mail.outbox) == 1 and "password/reset/" in mail.outbox[0].body


def test_adding_an_existing_member_again_is_refused(admin_client, tenant_a):
    existing = member(tenant_a, Role.OPERATOR)
    response = admin_client.post(reverse("users:add"), {"email": existing.email, "role": "admin"})
    assert response.status_code == 422
    assert b"already a member" in response.content


def test_add_member_service_refuses_non_admins(tenant_a):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        services.add_member(
            tenant=tenant_a, user=supervisor, email="x@example.test", full_name="", role=Role.ADMIN
        )


def test_last_admin_cannot_be_demoted(admin_client, admin_a, tenant_a):
    with tenant_context(tenant_a):
        own = Membership.objects.get(user=admin_a)
    response = admin_client.post(
        reverse("users:detail", args=[own.pk]), {"role": "operator", "is_active": "on"}
    )
    assert response.status_code == 422
    assert b"last active admin" in response.content


def test_role_change_is_saved_and_shown_in_history(admin_client, tenant_a):
    other = MembershipFactory(tenant=tenant_a, role=Role.OPERATOR)
    admin_client.post(
        reverse("users:detail", args=[other.pk]), {"role": "supervisor", "is_active": "on"}
    )
    page = admin_client.get(reverse("users:detail", args=[other.pk]))
    assert b"Operator" in page.content or b"operator" in page.content
    assert b"supervisor" in page.content
    with tenant_context(tenant_a):
        other.refresh_from_db()
        assert other.role == Role.SUPERVISOR
        assert other.history.count() == 2


def test_users_list_filters_on_the_server(admin_client, tenant_a):
    MembershipFactory(tenant=tenant_a, role=Role.FINANCE, user__email="cfo@example.test")
    response = admin_client.get(
        reverse("users:list"),
        {"role": "finance"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members-results",
    )
    assert b"cfo@example.test" in response.content
    assert b"<html" not in response.content  # only the results partial


def test_admin_renames_the_organisation_with_history(admin_client, tenant_a):
    response = admin_client.post(
        reverse("organisation"), {"name": "Alpha Wholesale Group", "paper_size": "a4"}
    )
    assert response.status_code == 302
    page = admin_client.get(reverse("organisation"))
    assert b"Alpha Wholesale Group" in page.content and b"Alpha Wholesale" in page.content
    empty = admin_client.post(reverse("organisation"), {"name": "", "paper_size": "a4"})
    assert empty.status_code == 422


def test_admin_chooses_the_paper_documents_print_on(admin_client, tenant_a):
    assert tenant_a.paper_size == "a4"
    page = admin_client.get(reverse("organisation"))
    assert b'<option value="letter">Letter (8.5 x 11 in)</option>' in page.content
    response = admin_client.post(
        reverse("organisation"), {"name": tenant_a.name, "paper_size": "letter"}
    )
    assert response.status_code == 302
    tenant_a.refresh_from_db()
    assert tenant_a.paper_size == "letter"
    bad = admin_client.post(reverse("organisation"), {"name": tenant_a.name, "paper_size": "a3"})
    assert bad.status_code == 422
    tenant_a.refresh_from_db()
    assert tenant_a.paper_size == "letter"
