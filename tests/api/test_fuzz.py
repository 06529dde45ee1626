"""The whole API fuzzed from its own OpenAPI schema, as every role's token (issue 14): whatever
schemathesis sends (valid or not), no answer is a server error, and every answer (errors
included) matches the schema: its status is documented, its body has the documented shape.

The operations are read from the schema at collection, so an endpoint added later is fuzzed
without touching this file. Each role's token runs against the same small data set, so
some generated ids hit real rows of the tenant and some belong to another tenant."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from erp.roles import Role
from tests.api.conftest import Api
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db

# In-process WSGI: requests run in the test's thread, on its connection and transaction.
CONFIG = SchemathesisConfig()
# Fuzzing (valid and invalid data) only: the coverage phase's hundreds of boundary cases per
# operation would cost minutes; hypothesis reaches the same boundaries within its examples.
CONFIG.projects.default.phases.update(phases=["examples", "fuzzing"])
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 8


@pytest.fixture
def in_the_test_transaction():
    """Keep Django from closing the test's connection around each WSGI request, as its test
    client does: the requests must see (and roll back with) the test's rows."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(in_the_test_transaction, tenant_a, tenant_b):
    """Documents of every kind in both tenants (a shipped order with an RMA, a purchase order
    received, items, sites, bins, ledger entries), so generated ids and codes meet real rows
    of the token's tenant and of another; the tokens belong to the first."""
    for tenant in (tenant_a, tenant_b):
        Returns(tenant).authorised(2)
    return {role: Api(tenant_a, role) for role in Role}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_every_answer_matches_the_schema(case, world):
    # Each generated request is sent once with every role's token: a role the operation
    # refuses must get a documented 403, the others a documented answer.
    for api in world.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {api.raw}"}, checks=CHECKS)
