"""The warehouse's webhook events (erp.webhooks): emitted by its services in the transaction
of the change, with the facts an integrator needs."""

from __future__ import annotations

from collections import defaultdict

from erp.webhooks.events import emit


def receipt_posted(*, tenant, receipt, status: str) -> None:
    emit(
        tenant=tenant,
        type="receipt.posted",
        data={
            "receipt_line_id": receipt.pk,
            "purchase_order_number": receipt.order.number,
            "purchase_order_line_no": receipt.order_line.line_no if receipt.order_line else None,
            "supplier_code": receipt.order.supplier.code,
            "site_code": receipt.order.site.code,
            "sku": receipt.item.sku,
            "quantity": receipt.quantity,
            "unit": receipt.unit,
            "quantity_base": receipt.quantity_base,
            "accepted_base": receipt.accepted_base,
            "stock_status": status,
            "lot": receipt.lot.code if receipt.lot else None,
            "serial": receipt.serial.serial if receipt.serial else None,
            "sscc": receipt.sscc or None,
            "location": receipt.location.code,
        },
    )


def shipment_confirmed(*, tenant, shipment, order, contents, cartons) -> None:
    """`contents`: the shipment's carton lines; `cartons`: its cartons."""
    by_carton = defaultdict(list)
    for content in contents:
        by_carton[content.carton_id].append(content)
    emit(
        tenant=tenant,
        type="shipment.confirmed",
        data={
            "shipment_id": shipment.pk,
            "shipment_number": shipment.number,
            "sales_order_numbers": [order.number],
            "customer_reference": order.customer_reference,
            "carrier": shipment.carrier,
            "service": shipment.service,
            "tracking_number": shipment.tracking_number,
            "shipped_at": shipment.shipped_at,
            "cartons": [
                {
                    "sscc": carton.sscc or None,
                    "weight_kg": carton.weight_kg,
                    "contents": [
                        {
                            "sku": line.item.sku,
                            "quantity": line.quantity,
                            "unit": line.item.base_unit,
                            "lot": line.lot.code if line.lot else None,
                            "serial": line.serial.serial if line.serial else None,
                            "sales_order_line_no": line.order_line.line_no,
                        }
                        for line in by_carton[carton.pk]
                    ],
                }
                for carton in cartons
            ],
        },
    )


def stock_below_min(*, tenant, raised) -> None:
    """Pick faces at or below their min that got a replenishment task, as (need, task)
    pairs: announced once per task, not at every run that sees the face low."""
    from erp.webhooks.events import emit_many

    emit_many(
        tenant=tenant,
        type="stock.below_min",
        items=[
            {
                "pick_face_id": need.face_id,
                "bin": need.bin_code,
                "sku": need.sku,
                "unit": need.base_unit,
                "on_hand": need.on_hand,
                "min_quantity": need.minimum,
                "max_quantity": need.maximum,
                "urgent": need.urgent,
                "replenishment_id": task.pk,
                "replenishment_quantity": task.quantity,
            }
            for need, task in raised
        ],
    )


def _transfer(transfer) -> dict:
    return {
        "transfer_id": transfer.pk,
        "transfer_number": transfer.number,
        "from_site_code": transfer.from_site.code,
        "to_site_code": transfer.to_site.code,
        "sscc": transfer.sscc or None,
    }


def transfer_shipped(*, tenant, transfer) -> None:
    lines = transfer.lines.select_related("item").order_by("pk")
    emit(
        tenant=tenant,
        type="transfer.shipped",
        data={
            **_transfer(transfer),
            "shipped_at": transfer.shipped_at,
            "lines": [
                {
                    "sku": line.item.sku,
                    "shipped_quantity": line.shipped_base,
                    "unit": line.item.base_unit,
                }
                for line in lines
            ],
        },
    )


def transfer_received(*, tenant, transfer) -> None:
    lines = transfer.lines.select_related("item").order_by("pk")
    emit(
        tenant=tenant,
        type="transfer.received",
        data={
            **_transfer(transfer),
            "lines": [
                {
                    "sku": line.item.sku,
                    "shipped_quantity": line.shipped_base,
                    "received_quantity": line.received_base,
                    "unit": line.item.base_unit,
                }
                for line in lines
            ],
        },
    )
