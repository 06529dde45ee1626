"""Purchasing's webhook events (erp.webhooks): emitted by its services in the transaction of
the change, with the facts an integrator needs."""

from __future__ import annotations

from erp.webhooks.events import emit


def purchase_order_sent(*, tenant, order) -> None:
    emit(
        tenant=tenant,
        type="purchase_order.sent",
        data={
            "purchase_order_id": order.pk,
            "purchase_order_number": order.number,
            "supplier_code": order.supplier.code,
            "site_code": order.site.code,
            "expected_date": order.expected_date,
            "currency": order.currency,
            "sent_at": order.sent_at,
            "lines": [
                {
                    "line_no": line.line_no,
                    "sku": line.item.sku,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "unit_cost": line.unit_cost,
                }
                for line in order.lines.select_related("item").order_by("line_no")
            ],
        },
    )
