"""Document numbers: a prefix and a zero-padded sequence per tenant (PO-001001, SO-100001)."""

from __future__ import annotations

from django.db.models import Max


def next_number(
    model, *, tenant, prefix: str, width: int, first: int = 1, field: str = "number"
) -> str:
    """The next number after the highest `prefix`-number the tenant has. Two documents made
    at the same instant can draw the same one; the (tenant, number) unique constraint then
    refuses the second, which is retried by the user."""
    last = model.objects.filter(tenant=tenant, **{f"{field}__startswith": prefix}).aggregate(
        n=Max(field)
    )["n"]
    tail = last[len(prefix) :] if last else ""
    sequence = int(tail) + 1 if tail.isdigit() else first
    return f"{prefix}{sequence:0{width}d}"
