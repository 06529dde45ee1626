"""`manage.py create_api_token`: prints a working token once; junk gets a clear error."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from erp.roles import Role
from tests.factories import ItemFactory, member

pytestmark = pytest.mark.django_db


def test_the_printed_token_works_and_acts_as_its_role(tenant_a):
    admin = member(tenant_a, Role.ADMIN)
    ItemFactory(tenant=tenant_a, sku="CMD-1")
    out = io.StringIO()
    call_command(
        "create_api_token", tenant=tenant_a.slug, name="Store", role="planner",
        admin=admin.email, stdout=out,
    )  # fmt: skip
    raw = out.getvalue().strip()
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/items")
    assert [i["sku"] for i in answer.json()["items"]] == ["CMD-1"]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"tenant": "nope"}, "No tenant"),
        ({"admin": "stranger@example.test"}, "not an active member"),
        ({"rate": 0}, "--rate"),
    ],
)
def test_junk_arguments_are_refused_with_a_message(tenant_a, changes, message):
    admin = member(tenant_a, Role.ADMIN)
    options = {"tenant": tenant_a.slug, "name": "X", "role": "admin", "admin": admin.email}
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", **{**options, **changes}, stdout=io.StringIO())


def test_a_non_admin_cannot_create_one(tenant_a):
    planner = member(tenant_a, Role.PLANNER)
    with pytest.raises(CommandError, match="roles"):
        call_command(
            "create_api_token", tenant=tenant_a.slug, name="X", role="admin",
            admin=planner.email, stdout=io.StringIO(),
        )  # fmt: skip
