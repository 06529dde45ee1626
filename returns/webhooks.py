"""Returns' webhook events (erp.webhooks): emitted by its services in the transaction of the
change, with the facts an integrator needs."""

from __future__ import annotations

from erp.webhooks.events import emit


def return_credited(*, tenant, credit, rma) -> None:
    emit(
        tenant=tenant,
        type="return.credited",
        data={
            "credit_id": credit.pk,
            "credit_number": credit.number,
            "rma_number": rma.number,
            "sales_order_number": rma.order.number,
            "customer_code": rma.customer.code,
            "returned_value": credit.returned_value,
            "non_creditable": credit.non_creditable,
            "restocking_fee": credit.restocking_fee,
            "amount": credit.amount,
            "approved_at": credit.decided_at,
        },
    )
