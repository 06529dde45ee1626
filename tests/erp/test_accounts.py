"""Sign-in by e-mail, throttling, sign-out, password reset, tenant switching."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from erp.roles import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_with_email_and_password_lands_on_dashboard(client, tenant_a):
    user = member(tenant_a, Role.SUPERVISOR)
    response = _login(client, user.email.upper())
    assert response.status_code == 302 and response.url == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert tenant_a.name.encode() in page.content


def test_wrong_password_is_refused_with_a_message(client, tenant_a):
    user = member(tenant_a)
    response = _login(client, user.email, "wrong")
    assert response.status_code == 200
    assert b"do not match an active account" in response.content


def test_sign_in_is_throttled_after_repeated_failures(client, tenant_a, settings):
    user = member(tenant_a)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, user.email, "wrong")
    response = _login(client, user.email)  # right password, but locked
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_post_and_ends_the_session(client, tenant_a):
    client.force_login(member(tenant_a))
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client, tenant_a):
    user = member(tenant_a)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
    )
    assert response.status_code == 302
    assert _login(client, user.email, "a-new-long-password-42").status_code == 302


def test_password_change_requires_the_old_password(client, tenant_a):
    user = member(tenant_a, Role.OPERATOR)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "x-very-new-pass-1",
            "new_password2": "x-very-new-pass-1",
        },
    )
    assert response.status_code == 200
    assert b"old password was entered incorrectly" in response.content


def test_user_with_two_memberships_switches_tenant(client, tenant_a, tenant_b):
    user = UserFactory()
    MembershipFactory(tenant=tenant_a, user=user, role=Role.ADMIN)
    MembershipFactory(tenant=tenant_b, user=user, role=Role.OPERATOR)
    client.force_login(user)
    assert tenant_a.name.encode() in client.get(reverse("home")).content
    response = client.post(reverse("switch_tenant"), {"tenant": tenant_b.pk}, follow=True)
    assert b"Now working in Bravo Supply as Operator" in response.content
    # The role follows the tenant: the operator at B cannot open settings.
    assert client.get(reverse("inventory:site_list")).status_code == 403


def test_switching_to_a_tenant_without_membership_is_refused(client, tenant_a, tenant_b):
    client.force_login(member(tenant_a))
    response = client.post(reverse("switch_tenant"), {"tenant": tenant_b.pk}, follow=True)
    assert b"not a member of that organisation" in response.content
    assert response.context["request"].tenant == tenant_a


def test_user_without_membership_gets_403(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert b"no active membership" in response.content


def test_inactive_membership_does_not_count(client, tenant_a):
    membership = MembershipFactory(tenant=tenant_a, role=Role.ADMIN, is_active=False)
    client.force_login(membership.user)
    assert client.get(reverse("home")).status_code == 403
