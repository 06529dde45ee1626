"""The ledger read back: posted transactions with their entries, for the ledger browser."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from erp.models import User
from inventory.models import Item, Lot, SerialNumber, StockEntry, StockTransaction


def transactions(*, tenant) -> QuerySet[StockTransaction]:
    """Transactions with `line_count` (entries) and `reversed_by_id` (the reversing one, if any).

    Both are correlated subqueries rather than a join with GROUP BY, so PostgreSQL computes them
    only for the page of rows shown.
    """
    lines = (
        StockEntry.objects.filter(tenant=tenant, transaction=OuterRef("pk"))
        .order_by()
        .values("transaction")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # A transaction is reversed at most once (unique constraint), so [:1] is the one.
    reversal = (
        StockTransaction.objects.filter(tenant=tenant, reverses=OuterRef("pk"))
        .order_by()
        .values("pk")
    )
    return (
        StockTransaction.objects.filter(tenant=tenant)
        .select_related("posted_by")
        .annotate(
            line_count=Coalesce(Subquery(lines, output_field=IntegerField()), Value(0)),
            reversed_by_id=Subquery(reversal[:1]),
        )
    )


def with_entry_for_item(
    transactions: QuerySet[StockTransaction], *, tenant, search: str
) -> QuerySet[StockTransaction]:
    """Those of `transactions` with an entry for an item whose SKU or description holds `search`."""
    items = Item.objects.filter(tenant=tenant).filter(
        Q(sku__icontains=search) | Q(description__icontains=search)
    )
    entries = StockEntry.objects.filter(
        tenant=tenant, transaction=OuterRef("pk"), item__in=items.values("pk")
    )
    return transactions.filter(Exists(entries))


def transaction_entries(*, tenant, transaction: StockTransaction) -> QuerySet[StockEntry]:
    return (
        StockEntry.objects.filter(tenant=tenant, transaction=transaction)
        .select_related("item", "location", "lot", "serial", "site")
        .order_by("id")
    )


def posting_users(*, tenant) -> QuerySet[User]:
    """People who are or were members of `tenant`: the choices for "posted by"."""
    return User.objects.filter(memberships__tenant=tenant).distinct().order_by("email")


def lots_coded(*, tenant, code: str) -> QuerySet[Lot]:
    """Lots whose code is `code` (any item's; case as typed on a label is ignored)."""
    return Lot.objects.filter(tenant=tenant, code__iexact=code)


def serials_numbered(*, tenant, serial: str) -> QuerySet[SerialNumber]:
    """Serial numbers equal to `serial` (any item's)."""
    return SerialNumber.objects.filter(tenant=tenant, serial__iexact=serial)


def transactions_touching(*, tenant, item=None, lots=None, serials=None) -> QuerySet:
    """Ids of the transactions with an entry for `item`, for one of `lots` or one of `serials`
    (querysets), as a subquery; inv_entry_item_idx (tenant, item, transaction) serves the
    item's."""
    entries = StockEntry.objects.filter(tenant=tenant)
    if item is not None:
        entries = entries.filter(item=item)
    if lots is not None:
        entries = entries.filter(lot__in=lots)
    if serials is not None:
        entries = entries.filter(serial__in=serials)
    return entries.order_by().values("transaction_id")
