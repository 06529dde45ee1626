"""Each planning form, sent twice in a row and twice at once, is done once and answers both
alike (issue 9): one run queued, one set of draft orders, one rejection, one quantity change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from purchasing.models import PlanningRun, PurchaseOrder, ReorderSuggestion
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import SuggestionFactory, member


def run_start(tenant) -> Form:
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("purchasing:planning_run_start"),
        data={},
        effect=reading(tenant, runs=lambda: PlanningRun.objects.count()),
        before={"runs": 0},
        once={"runs": 1},
    )


def accept(tenant) -> Form:
    first, second = SuggestionFactory(tenant=tenant), SuggestionFactory(tenant=tenant)
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("purchasing:suggestion_accept"),
        data={"suggestion": [first.pk, second.pk]},
        effect=reading(tenant, orders=lambda: PurchaseOrder.objects.count()),
        before={"orders": 0},
        once={"orders": 2},
    )


def reject(tenant) -> Form:
    suggestion = SuggestionFactory(tenant=tenant)
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("purchasing:suggestion_reject", args=[suggestion.pk]),
        data={"reason": "Overstocked"},
        effect=reading(
            tenant, status=lambda: ReorderSuggestion.objects.get(pk=suggestion.pk).status
        ),
        before={"status": "open"},
        once={"status": "rejected"},
    )


def quantity(tenant) -> Form:
    suggestion = SuggestionFactory(tenant=tenant)
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("purchasing:suggestion_quantity", args=[suggestion.pk]),
        data={"quantity": "360"},
        effect=reading(
            tenant,
            changes=lambda: ReorderSuggestion.history.filter(
                id=suggestion.pk, history_type="~"
            ).count(),
            quantity=lambda: ReorderSuggestion.objects.get(pk=suggestion.pk).quantity,
        ),
        before={"changes": 0, "quantity": Decimal(240)},
        once={"changes": 1, "quantity": Decimal(360)},
    )


FORMS = [run_start, accept, reject, quantity]


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
