"""A sales order line's declared flows: each moves a quantity from one bucket to another and
keeps ordered = wanting + allocated + picked + shipped + cancelled; a flow its source cannot
give is refused in words, changing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from orders import line_flows
from orders.models import SalesOrderLine
from tests.factories import CustomerFactory, ItemFactory, SiteFactory, confirmed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="TEA-1")
    order = confirmed_order(
        CustomerFactory(tenant=tenant_a), SiteFactory(tenant=tenant_a), [(item, 10)]
    )
    with tenant_context(tenant_a):
        yield SalesOrderLine.objects.select_related("order", "item").get(order=order)


def _buckets(line) -> tuple[Decimal, ...]:
    return (
        line.unallocated_base, line.allocated_base, line.picked_base, line.shipped_base,
        line.cancelled_base,
    )  # fmt: skip


def test_every_flow_moves_its_quantity_and_the_parts_still_add_up(line):
    assert _buckets(line) == (10, 0, 0, 0, 0)
    steps = [
        ("allocate", 8, (2, 8, 0, 0, 0)),
        ("deallocate", 1, (3, 7, 0, 0, 0)),
        ("pick", 5, (3, 2, 5, 0, 0)),
        ("ship", 4, (3, 2, 1, 4, 0)),
        ("cancel_allocated", 2, (3, 0, 1, 4, 2)),
        ("cancel_wanting", 3, (0, 0, 1, 4, 5)),
    ]
    for action, quantity, expected in steps:
        line.save(update_fields=line_flows.move(line, action, Decimal(quantity)))
        line.refresh_from_db()
        assert _buckets(line) == expected, action


@pytest.mark.parametrize(
    "action,quantity,message",
    [
        ("pick", "1", "Line 1 of {order} has 0 each allocated; it cannot pick 1."),
        ("allocate", "11", "Line 1 of {order} has 10 each wanting; it cannot allocate 11."),
        ("ship", "0", "Line 1 of {order} has 0 each picked; it cannot ship 0."),
    ],
)
def test_a_flow_its_source_cannot_give_is_refused_and_changes_nothing(
    line, action, quantity, message
):
    with pytest.raises(line_flows.LineFlowRefused) as refused:
        line_flows.move(line, action, Decimal(quantity))

    assert str(refused.value) == message.format(order=line.order.number)
    assert _buckets(line) == (10, 0, 0, 0, 0)
