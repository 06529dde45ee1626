"""Every warehouse and returns operation, fuzzed from the published schema as a token of each
role over real documents: no 5xx, and every answer (refusals included) is what the schema
says."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from erp.roles import Role
from tests.api.conftest import Api
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db

# What an integrator relies on: no 5xx, documented status codes and bodies. (Whether a lax
# value such as `updated_since=0.5`, read as a Unix time, should be refused is the paging
# core's question, not these resources'.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(shipments|receipts|receipt-discrepancies|transfers|counts|returns)"
)


@pytest.fixture
def world(tenant_a):
    """A shipped order with an RMA against it, so details and filters meet real rows."""
    returns = Returns(tenant_a)
    returns.authorised(2)
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield {role: Api(tenant_a, role) for role in Role}
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("STOCKLINE_FUZZ_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, world):
    for api in world.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {api.raw}"}, checks=CHECKS)
