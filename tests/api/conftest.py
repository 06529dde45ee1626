"""An API client per role: a Django test client sending a real token of that role."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from erp.api import tokens
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member


class Api:
    """`get`/`post` against /api/v1 with a bearer token; bodies are JSON both ways."""

    def __init__(self, tenant, role: Role = Role.ADMIN, *, rate_per_minute: int = 100_000):
        self.tenant = tenant
        admin = member(tenant, Role.ADMIN)
        with tenant_context(tenant):
            self.token, self.raw = tokens.create_token(
                tenant=tenant,
                user=admin,
                name=f"test {role} {admin.pk}",
                role=role,
                rate_per_minute=rate_per_minute,
            )
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.raw}")

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body=None, *, key: str | None = None):
        headers = {"Idempotency-Key": key} if key else {}
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            headers=headers,
        )


@pytest.fixture
def api_as():
    """`api_as(tenant, Role.PLANNER)` -> an Api acting as a planner token of `tenant`."""
    return Api
