"""An existing user is invited, not added: they become a member of another tenant only by
accepting the invitation signed in as themselves, and where they land after sign-in never
changes unless they switch (issue 9, finding 11)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erp import invitations
from erp.errors import RoleRequired
from erp.invitations import hash_token
from erp.models import Invitation, InvitationStatus, Membership
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import PASSWORD, InvitationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _sign_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_adding_another_tenants_user_makes_no_membership_and_their_sign_in_stays_home(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    # Bravo's operator; Alpha sorts first, so a membership there would be where they land.
    outsider = member(tenant_b, Role.OPERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("users:add"), {"email": outsider.email.upper(), "role": "admin"}
        )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert not Membership.objects.filter(user=outsider).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [outsider.email] and "/invitations/" in mail.outbox[0].body

    home = _sign_in(outsider).get(reverse("home"))
    assert home.context["request"].tenant == tenant_b
    assert [m.tenant for m in home.context["request"].memberships] == [tenant_b]


def _token_from(message) -> str:
    match = re.search(r"/invitations/([A-Za-z0-9_-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def _invite(admin_client, email: str, role: str, capture) -> str:
    """Invite through the members page as the signed-in admin; the e-mailed link's token."""
    sent = len(mail.outbox)
    with capture(execute=True):
        response = admin_client.post(reverse("users:add"), {"email": email, "role": role})
    assert response.status_code == 302
    assert len(mail.outbox) == sent + 1
    return _token_from(mail.outbox[-1])


def _answer(client, invitation_pk, answer: str):
    return client.post(
        reverse("invitations:answer"), {"invitation": invitation_pk, "answer": answer}
    )


def _membership(tenant, user) -> Membership | None:
    with tenant_context(tenant):
        return Membership.objects.filter(user=user).first()


def _invitation(tenant, user) -> Invitation:
    with tenant_context(tenant):
        return Invitation.objects.get(user=user)


def test_accepting_makes_the_membership_and_leaves_the_user_where_they_work(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    invitee = member(tenant_b, Role.OPERATOR)
    token = _invite(admin_client, invitee.email, "planner", django_capture_on_commit_callbacks)
    client = _sign_in(invitee)

    home = client.get(reverse("home"))
    assert b"Alpha Wholesale invited you as Planner" in home.content
    page = client.get(reverse("invitations:open", args=[token]))
    assert page.status_code == 200 and b"Accept" in page.content
    assert _membership(tenant_a, invitee) is None  # opening the link is not accepting

    invitation = page.context["invitation"]
    response = _answer(client, invitation.pk, "accept")
    assert response.status_code == 302
    assert _membership(tenant_a, invitee).role == Role.PLANNER
    assert _invitation(tenant_a, invitee).status == InvitationStatus.ACCEPTED
    after = client.get(reverse("invitations:list"))
    assert b"You are still working in Bravo Supply" in after.content
    assert after.context["request"].tenant == tenant_b
    assert {m.tenant for m in after.context["request"].memberships} == {tenant_a, tenant_b}

    # Alpha sorts first, yet the next sign-in still lands where the user joined first.
    client.post(reverse("accounts:logout"))
    again = _sign_in(invitee).get(reverse("home"))
    assert again.context["request"].tenant == tenant_b


def test_a_user_of_no_tenant_is_invited_and_sent_to_answer_after_sign_in(
    admin_client, tenant_a, django_capture_on_commit_callbacks
):
    loner = UserFactory()
    _invite(admin_client, loner.email, "finance", django_capture_on_commit_callbacks)
    assert _membership(tenant_a, loner) is None
    client = _sign_in(loner)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("invitations:list")
    listing = client.get(reverse("invitations:list"))
    assert listing.status_code == 200 and b"Alpha Wholesale" in listing.content

    _answer(client, _invitation(tenant_a, loner).pk, "accept")
    assert client.get(reverse("home")).context["request"].tenant == tenant_a


def test_declining_makes_no_membership_and_the_link_says_so(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    invitee = member(tenant_b, Role.OPERATOR)
    token = _invite(admin_client, invitee.email, "admin", django_capture_on_commit_callbacks)
    client = _sign_in(invitee)
    response = _answer(client, _invitation(tenant_a, invitee).pk, "decline")
    assert response.status_code == 302
    assert _membership(tenant_a, invitee) is None
    assert _invitation(tenant_a, invitee).status == InvitationStatus.DECLINED
    assert b"You declined" in client.get(reverse("invitations:open", args=[token])).content
    late = _answer(client, _invitation(tenant_a, invitee).pk, "accept")
    assert late.status_code == 422 and b"was declined" in late.content
    assert _membership(tenant_a, invitee) is None


def test_inviting_again_while_pending_renews_the_one_invitation(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    invitee = member(tenant_b, Role.OPERATOR)
    first = _invite(admin_client, invitee.email, "planner", django_capture_on_commit_callbacks)
    second = _invite(admin_client, invitee.email, "finance", django_capture_on_commit_callbacks)
    with tenant_context(tenant_a):
        assert Invitation.objects.filter(user=invitee).count() == 1
    assert _invitation(tenant_a, invitee).role == Role.FINANCE
    client = _sign_in(invitee)
    assert client.get(reverse("invitations:open", args=[first])).status_code == 404
    assert client.get(reverse("invitations:open", args=[second])).status_code == 200


def test_adding_an_existing_member_is_still_refused_and_invites_nobody(admin_client, tenant_a):
    existing = member(tenant_a, Role.OPERATOR)
    response = admin_client.post(reverse("users:add"), {"email": existing.email, "role": "admin"})
    assert response.status_code == 422 and b"already a member" in response.content
    with tenant_context(tenant_a):
        assert not Invitation.objects.exists()


def test_the_link_stores_only_a_hash_of_its_token(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    invitee = member(tenant_b, Role.OPERATOR)
    token = _invite(admin_client, invitee.email, "planner", django_capture_on_commit_callbacks)
    invitation = _invitation(tenant_a, invitee)
    assert invitation.token_hash == hash_token(token) != token
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("SELECT i::text FROM erp_invitation i")
        rows = cursor.fetchall()
        cursor.execute("SELECT h::text FROM erp_historicalinvitation h")
        rows += cursor.fetchall()
    assert rows and not any(token in row[0] for row in rows)
    assert not any(invitation.token_hash in row[0] for row in rows[1:])  # not in history


def test_an_expired_invitation_cannot_be_accepted_and_says_why(client, tenant_a, tenant_b):
    invitee = member(tenant_b, Role.OPERATOR)
    invitation = InvitationFactory(
        tenant=tenant_a, user=invitee, token="old-link", expires_at=timezone.now()
    )
    client.force_login(invitee)
    page = client.get(reverse("invitations:open", args=["old-link"]))
    assert page.status_code == 200 and b"expired on" in page.content
    assert b"Accept" not in page.content
    response = _answer(client, invitation.pk, "accept")
    assert response.status_code == 422 and b"expired on" in response.content
    assert _membership(tenant_a, invitee) is None


def test_inviting_after_expiry_closes_the_old_invitation_and_opens_a_new_one(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    invitee = member(tenant_b, Role.OPERATOR)
    InvitationFactory(tenant=tenant_a, user=invitee, expires_at=timezone.now())
    _invite(admin_client, invitee.email, "planner", django_capture_on_commit_callbacks)
    with tenant_context(tenant_a):
        statuses = sorted(Invitation.objects.filter(user=invitee).values_list("status", flat=True))
    assert statuses == ["expired", "pending"]


def test_admin_sees_pending_invitations_and_withdraws_one(
    admin_client, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    invitee = member(tenant_b, Role.OPERATOR)
    token = _invite(admin_client, invitee.email, "planner", django_capture_on_commit_callbacks)
    page = admin_client.get(reverse("users:list"))
    assert page.status_code == 200
    assert invitee.email.encode() in page.content and b"Withdraw" in page.content
    invitation = _invitation(tenant_a, invitee)

    response = admin_client.post(reverse("users:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert _invitation(tenant_a, invitee).status == InvitationStatus.REVOKED
    listing = admin_client.get(reverse("users:list"))
    assert b"was withdrawn" in listing.content and b"Waiting for an answer" not in listing.content
    again = admin_client.post(reverse("users:invitation_revoke", args=[invitation.pk]), follow=True)
    assert b"was withdrawn; it can no longer be answered" in again.content

    client = _sign_in(invitee)
    assert (
        b"withdrew this invitation" in client.get(reverse("invitations:open", args=[token])).content
    )
    refused = _answer(client, invitation.pk, "accept")
    assert refused.status_code == 422 and b"was withdrawn" in refused.content
    assert _membership(tenant_a, invitee) is None


def test_another_tenants_admin_neither_sees_nor_withdraws_the_invitation(
    client, tenant_a, tenant_b
):
    invitation = InvitationFactory(tenant=tenant_a, user=UserFactory())
    client.force_login(member(tenant_b, Role.ADMIN))
    listing = client.get(reverse("users:list")).content
    assert invitation.user.email.encode() not in listing and b"Waiting for an answer" not in listing
    response = client.post(reverse("users:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 404
    assert _invitation(tenant_a, invitation.user).status == InvitationStatus.PENDING


def test_admin_cannot_withdraw_another_tenants_invitation_addressed_to_them(
    client, tenant_a, tenant_b
):
    """The policy shows a user their own invitations from any tenant; withdrawing still needs
    the invitation to belong to the tenant the admin works in."""
    admin_b = member(tenant_b, Role.ADMIN)
    invitation = InvitationFactory(tenant=tenant_a, user=admin_b)
    client.force_login(admin_b)
    assert b"Waiting for an answer" not in client.get(reverse("users:list")).content
    assert client.post(reverse("users:invitation_revoke", args=[invitation.pk])).status_code == 404
    assert _invitation(tenant_a, admin_b).status == InvitationStatus.PENDING


@pytest.mark.parametrize("who", ["stranger", "admin of the inviting tenant"])
def test_only_the_invited_user_can_open_or_accept_it(who, client, tenant_a, tenant_b):
    invitee = member(tenant_b, Role.OPERATOR)
    invitation = InvitationFactory(tenant=tenant_a, user=invitee, token="theirs")
    other = member(tenant_b, Role.ADMIN) if who == "stranger" else member(tenant_a, Role.ADMIN)
    client.force_login(other)

    page = client.get(reverse("invitations:open", args=["theirs"]))
    assert page.status_code == 404 and b"not addressed to the account" in page.content
    assert b"theirs" not in page.content
    for answer in ("accept", "decline"):
        response = _answer(client, invitation.pk, answer)
        assert response.status_code == 422 and b"not addressed to the account" in response.content
    with tenant_context(tenant_a):
        assert not Membership.objects.filter(user=other).exclude(role=Role.ADMIN).exists()
    assert _membership(tenant_a, invitee) is None
    assert _invitation(tenant_a, invitee).status == InvitationStatus.PENDING


def test_the_services_refuse_whoever_may_not_act(tenant_a, tenant_b):
    planner = member(tenant_a, Role.PLANNER)
    invitee = member(tenant_b, Role.OPERATOR)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        invitations.invite(tenant=tenant_a, user=planner, invitee=invitee, role=Role.ADMIN)
    invitation = InvitationFactory(tenant=tenant_a, user=invitee)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        invitations.revoke(tenant=tenant_a, user=planner, invitation=invitation)
    with tenant_context(tenant_a, user=planner), pytest.raises(invitations.InvitationNotFound):
        invitations.accept(user=planner, invitation=invitation)


def test_accepting_twice_makes_one_membership(client, tenant_a, tenant_b):
    invitee = member(tenant_b, Role.OPERATOR)
    invitation = InvitationFactory(tenant=tenant_a, user=invitee)
    client.force_login(invitee)
    assert _answer(client, invitation.pk, "accept").status_code == 302
    second = _answer(client, invitation.pk, "accept")
    assert second.status_code == 422 and b"was accepted" in second.content
    with tenant_context(tenant_a):
        assert Membership.objects.filter(user=invitee).count() == 1


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back_to_the_link(client, tenant_a):
    InvitationFactory(tenant=tenant_a, token="later")
    url = reverse("invitations:open", args=["later"])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login")) and "next=" in response.url


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"invitation": "x", "answer": "accept"},
        {"invitation": "99999999999999999999", "answer": "accept"},
        {"invitation": "٣", "answer": "decline"},
        {"invitation": "1", "answer": "maybe"},
        {"invitation": "9223372036854775807", "answer": "accept"},
    ],
)
def test_junk_answers_get_a_clear_error(data, client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    response = client.post(reverse("invitations:answer"), data)
    assert response.status_code == 422
    assert b'role="alert"' in response.content


@pytest.mark.parametrize("token", ["x" * 5000, "%00", "..", "\u202e"])
def test_junk_tokens_get_a_clear_page(token, client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 404
