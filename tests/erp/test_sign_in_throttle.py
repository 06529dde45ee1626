"""Sign-in throttling by account and client address together: one address guessing on many
accounts is slowed, never locks anybody out; the proxy's address header is trusted only
behind the proxy; signing in does not need Redis."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.models import SignInFailure
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD, **headers):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **headers
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_unknown_emails_from_one_address_slow_it_and_lock_nobody_out(
    client_factory, tenant_a, settings
):
    settings.LOGIN_SLOW_SECONDS = 60
    attacker = client_factory()
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        _login(attacker, f"nobody{n}@example.com", "guess", REMOTE_ADDR="203.0.113.9")

    elsewhere = client_factory()
    _login(elsewhere, member(tenant_a).email, REMOTE_ADDR="198.51.100.1")
    assert _signed_in(elsewhere)

    colleague = client_factory()
    user = member(tenant_a)
    slowed = _login(colleague, user.email, REMOTE_ADDR="203.0.113.9")
    assert b"Too many failed sign-in attempts from your address. Wait" in slowed.content
    assert not _signed_in(colleague)
    # A minute on, the address may try again: slowed, not locked for the window.
    SignInFailure.objects.update(last_failure=timezone.now() - datetime.timedelta(seconds=61))
    _login(colleague, user.email, REMOTE_ADDR="203.0.113.9")
    assert _signed_in(colleague)


def test_an_account_failing_from_one_address_is_locked_there_only(client_factory, tenant_a):
    from django.conf import settings

    user = member(tenant_a)
    guesser = client_factory()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(guesser, user.email, "guess", REMOTE_ADDR="203.0.113.9")
    locked = _login(guesser, user.email, REMOTE_ADDR="203.0.113.9")
    assert b"for this account from your address" in locked.content
    assert not _signed_in(guesser)

    owner = client_factory()
    _login(owner, user.email, REMOTE_ADDR="198.51.100.1")
    assert _signed_in(owner)


def test_forwarded_address_counts_only_behind_the_tls_proxy(client_factory, tenant_a, settings):
    user = member(tenant_a)
    # Not behind the proxy: a forged header changes nothing, the real address is locked.
    settings.BEHIND_TLS_PROXY = False
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        _login(
            client_factory(), user.email, "guess",
            REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )  # fmt: skip
    refused = _login(
        client_factory(), user.email, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert b"Too many failed sign-in attempts" in refused.content

    # Behind the proxy every client shares the proxy's address; the address the proxy appended
    # last tells them apart, and what a client wrote before it is not believed.
    settings.BEHIND_TLS_PROXY = True
    SignInFailure.objects.all().delete()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(
            client_factory(), user.email, "guess",
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7, 203.0.113.9",
        )  # fmt: skip
    owner = client_factory()
    _login(owner, user.email, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _signed_in(owner)
    forged = _login(
        client_factory(), user.email,
        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )  # fmt: skip
    assert b"Too many failed sign-in attempts" in forged.content


def test_sign_in_works_while_redis_is_down(client, tenant_a, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    user = member(tenant_a)
    assert b"do not match" in _login(client, user.email, "wrong").content
    response = _login(client, user.email)
    assert response.status_code == 302
    assert _signed_in(client)
    assert client.get(reverse("home")).status_code == 200


def test_counts_keep_no_email_or_address(client, tenant_a):
    _login(client, "someone@example.com", "guess", REMOTE_ADDR="203.0.113.9")
    stored = " ".join(f"{row.scope} {row.key}" for row in SignInFailure.objects.all())
    assert SignInFailure.objects.count() == 3
    assert "someone" not in stored and "203.0.113.9" not in stored


@pytest.fixture
def client_factory():
    """A fresh browser each call: separate cookies, as separate people have."""
    from django.test import Client

    return Client


def test_expired_counts_are_forgotten_by_the_hourly_task(client, settings):
    from erp.tasks import forget_sign_in_failures_task

    _login(client, "someone@example.com", "guess")
    SignInFailure.objects.update(
        window_start=timezone.now()
        - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    _login(client, "other@example.com", "guess", REMOTE_ADDR="198.51.100.1")
    assert forget_sign_in_failures_task() == 3
    assert SignInFailure.objects.count() == 3  # the fresh failure's account, address and pair
