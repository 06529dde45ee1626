"""API tokens: made by an admin and shown once, stored as a digest, acting in their tenant
only, refused once revoked, counted per minute (issue 14)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from erp.api.models import ApiToken
from erp.models import Membership
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.api.conftest import Api
from tests.factories import ItemFactory, api_token, member

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_an_admin_creates_a_token_that_is_shown_once_and_kept_as_a_digest(client, tenant_a):
    ItemFactory(tenant=tenant_a, sku="CUP-01")
    client.force_login(member(tenant_a, Role.ADMIN))
    response = client.post(
        reverse("api_tokens:create"),
        {"name": "Web store", "role": "planner", "rate_per_minute": "120"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = re.search(rb'value="(stk_[0-9]+_[A-Za-z0-9_-]{43})"', response.content).group(1).decode()
    with tenant_context(tenant_a):
        token = ApiToken.objects.get(tenant=tenant_a, name="Web store")
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert (token.role, token.rate_per_minute, token.client.is_api_client) == ("planner", 120, True)
    assert not token.client.has_usable_password()
    listing = client.get(reverse("api_tokens:list"))
    assert b"Web store" in listing.content and raw.encode() not in listing.content

    answer = _bearer(raw).get("/api/v1/items")
    assert answer.status_code == 200
    assert [item["sku"] for item in answer.json()["items"]] == ["CUP-01"]
    with tenant_context(tenant_a):
        assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_second_active_token_of_the_same_name_is_refused_with_a_message(client, tenant_a):
    api_token(tenant_a, name="EDI")
    client.force_login(member(tenant_a, Role.ADMIN))
    response = client.post(
        reverse("api_tokens:create"), {"name": "EDI", "role": "admin", "rate_per_minute": "60"}
    )
    assert response.status_code == 422
    assert "already in use" in response.content.decode()
    junk = client.post(
        reverse("api_tokens:create"), {"name": "", "role": "root", "rate_per_minute": "-5"}
    )
    assert junk.status_code == 422
    with tenant_context(tenant_a):
        assert ApiToken.objects.filter(tenant=tenant_a).count() == 1


def test_a_revoked_token_is_refused_at_its_next_request(client, tenant_a):
    token, raw = api_token(tenant_a, Role.SUPERVISOR)
    assert _bearer(raw).get("/api/v1/items").status_code == 200
    client.force_login(member(tenant_a, Role.ADMIN))
    page = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert page.status_code == 302
    refused = _bearer(raw).get("/api/v1/items")
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"
    with tenant_context(tenant_a):
        assert not Membership.objects.get(user=token.client).is_active
    detail = client.get(reverse("api_tokens:detail", args=[token.pk]))
    assert b"Revoked" in detail.content and b">Revoke</button>" not in detail.content


@pytest.mark.parametrize(
    "header",
    [None, "Basic dXNlcjpwYXNz", "Bearer ", "Bearer stk_1_short", "Bearer stk_0_" + "a" * 43,
     "Bearer stk_99999999999999999999_" + "a" * 43, "Bearer " + "x" * 5000],
)  # fmt: skip
def test_a_request_without_a_valid_token_is_401_with_a_code(header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.json()["code"] in {"unauthenticated", "invalid_token"}


def test_a_token_names_its_tenant_and_cannot_be_moved_to_another(tenant_a, tenant_b):
    _, raw = api_token(tenant_a)
    secret = raw.split("_", 2)[2]
    moved = f"stk_{tenant_b.pk}_{secret}"
    assert _bearer(moved).get("/api/v1/items").status_code == 401


def test_a_token_sees_its_own_tenant_only(tenant_a, tenant_b):
    mine = ItemFactory(tenant=tenant_a, sku="MINE")
    theirs = ItemFactory(tenant=tenant_b, sku="THEIRS")
    api = Api(tenant_a, Role.FINANCE)
    assert [i["sku"] for i in api.get("/items").json()["items"]] == ["MINE"]
    assert api.get(f"/items/{mine.pk}").status_code == 200
    other = api.get(f"/items/{theirs.pk}")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    assert api.get("/items", sku="THEIRS").json()["items"] == []


def test_requests_past_the_rate_get_429_with_retry_after(tenant_a):
    api = Api(tenant_a, Role.PLANNER, rate_per_minute=3)
    assert [api.get("/items").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/items")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = Api(tenant_a, Role.PLANNER, rate_per_minute=3)  # counted per token
    assert other.get("/items").status_code == 200


def test_api_clients_are_not_listed_as_users_nor_counted_as_admins(client, tenant_a):
    token, _ = api_token(tenant_a, Role.ADMIN, name="Accounting sync")
    admin = token.created_by  # the one person who is admin here
    client.force_login(admin)
    users = client.get(reverse("users:list"))
    assert token.client.email.encode() not in users.content
    with tenant_context(tenant_a):
        own = Membership.objects.get(tenant=tenant_a, user=admin)
    # The admin token does not make this person removable as the last admin.
    demote = client.post(
        reverse("users:detail", args=[own.pk]), {"role": "planner", "is_active": "on"}
    )
    with tenant_context(tenant_a):
        assert Membership.objects.get(pk=own.pk).role == Role.ADMIN
    assert "last active admin" in demote.content.decode()


def test_the_reference_and_schema_load_without_a_token_and_from_this_server():
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
