"""Orders' webhook events (erp.webhooks): emitted by its services in the transaction of the
change, with the facts an integrator needs."""

from __future__ import annotations

from collections import defaultdict

from erp.webhooks.events import emit, emit_many


def sales_order_confirmed(*, tenant, order, lines) -> None:
    emit(
        tenant=tenant,
        type="sales_order.confirmed",
        data={
            "sales_order_id": order.pk,
            "sales_order_number": order.number,
            "customer_code": order.customer.code,
            "customer_reference": order.customer_reference,
            "site_code": order.site.code,
            "promised_date": order.promised_date,
            "lines": [
                {
                    "line_no": line.line_no,
                    "sku": line.item.sku,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "promised_date": line.promised_date,
                }
                for line in sorted(lines, key=lambda line: line.line_no)
            ],
        },
    )


def lines_backordered(*, tenant, lines) -> None:
    """One `order.backordered` per order for its lines that just became backorders (a line
    already waiting is not announced again at every allocation run)."""
    by_order = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append(line)
    emit_many(
        tenant=tenant,
        type="order.backordered",
        items=[
            {
                "sales_order_id": order_lines[0].order.pk,
                "sales_order_number": order_lines[0].order.number,
                "customer_code": order_lines[0].order.customer.code,
                "lines": [
                    {
                        "line_no": line.line_no,
                        "sku": line.item.sku,
                        "backordered_quantity": line.unallocated_base,
                        "unit": line.item.base_unit,
                        "promised_date": line.promised_date,
                    }
                    for line in sorted(order_lines, key=lambda line: line.line_no)
                ],
            }
            for order_lines in by_order.values()
        ],
    )
