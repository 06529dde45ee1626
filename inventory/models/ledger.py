"""The stock ledger: locations, transactions, immutable entries, balances, reservations,
cost layers and supply/demand projections (DESIGN.md, "The inventory ledger").

Only `inventory.ledger` writes these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantForeignKey, TenantModel
from inventory.models.items import Item, Lot, SerialNumber
from inventory.models.locations import Bin, Site


class LocationKind(models.TextChoices):
    BIN = "bin", _("Bin")
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")
    ADJUSTMENT = "adjustment", _("Adjustment")
    SCRAP = "scrap", _("Scrap")
    IN_TRANSIT = "in_transit", _("In transit")


VIRTUAL_KINDS = [k for k in LocationKind if k != LocationKind.BIN]


class Location(TenantModel):
    """Where stock is: a real bin, or one of the tenant's virtual counterparts."""

    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    bin = TenantForeignKey(
        Bin, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_locations"
    )
    site = TenantForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "bin"], name="inventory_location_one_per_bin"
            ),
            models.UniqueConstraint(
                fields=["tenant", "kind"],
                condition=~models.Q(kind="bin"),
                name="inventory_location_one_virtual_per_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="bin", bin__isnull=False, site__isnull=False)
                    | (~models.Q(kind="bin") & models.Q(bin__isnull=True, site__isnull=True))
                ),
                name="inventory_location_bin_iff_real",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=LocationKind.values),
                name="inventory_location_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_real(self) -> bool:
        return self.kind == LocationKind.BIN


class StockStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    QC_HOLD = "qc_hold", _("QC hold")
    DAMAGED = "damaged", _("Damaged")
    QUARANTINE = "quarantine", _("Quarantine")
    EXPIRED = "expired", _("Expired")


class TransactionKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    PUTAWAY = "putaway", _("Putaway")
    MOVE = "move", _("Move")
    REPLENISHMENT = "replenishment", _("Replenishment")
    PICK = "pick", _("Pick")
    SHIPMENT = "shipment", _("Shipment")
    ADJUSTMENT = "adjustment", _("Adjustment")
    STATUS_CHANGE = "status_change", _("Status change")
    COUNT = "count", _("Count")
    TRANSFER = "transfer", _("Transfer")
    RETURN = "return", _("Return")
    SCRAP = "scrap", _("Scrap")
    REVERSAL = "reversal", _("Reversal")


class StockTransaction(TenantModel):
    """The header of one atomic posting. Immutable once posted (database trigger)."""

    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    reference = models.CharField(
        max_length=100, blank=True, help_text=_("Source document, e.g. PO-1042/3")
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField()  # inv_txn_posted_keyset_idx leads with the tenant
    reason = models.CharField(max_length=200, blank=True)
    reverses = TenantForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        db_index=False,  # the unique (tenant, reverses) constraint serves lookups
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                name="inventory_stocktransaction_idempotency_uniq",
            ),
            # A transaction is reversed at most once.
            models.UniqueConstraint(
                fields=["tenant", "reverses"], name="inventory_stocktransaction_reversed_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=TransactionKind.values),
                name="inventory_stocktransaction_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "reference"], name="inv_txn_reference_idx"),
            # The ledger browser's keyset pages (migration 0011 has the plans).
            models.Index(fields=["tenant", "posted_at", "id"], name="inv_txn_posted_keyset_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.reference}".strip()


class StockEntry(TenantModel):
    """One leg of a transaction: a signed quantity (base unit) and value at one balance key."""

    # No single-column indexes: every query names the tenant, so the (tenant_id, ...)
    # indexes in Meta serve them (migration 0011 says which query uses which).
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+", db_index=False)
    location = TenantForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    lot = TenantForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    serial = TenantForeignKey(
        SerialNumber,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(max_length=20, choices=StockStatus.choices)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    value = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    # Denormalized from the location so valuation sums by site without a join.
    site = TenantForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["transaction", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="inventory_stockentry_quantity_not_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=StockStatus.values),
                name="inventory_stockentry_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "item", "transaction"], name="inv_entry_item_idx"),
            models.Index(fields=["tenant", "location", "id"], name="inv_entry_location_idx"),
            models.Index(fields=["tenant", "transaction"], name="inv_entry_transaction_idx"),
            # The recall trace reads every entry of one lot or serial: without these it reads
            # every entry of the item. Partial, as most entries carry neither.
            models.Index(
                fields=["tenant", "lot"],
                name="inv_entry_lot_idx",
                condition=models.Q(lot__isnull=False),
            ),
            models.Index(
                fields=["tenant", "serial"],
                name="inv_entry_serial_idx",
                condition=models.Q(serial__isnull=False),
            ),
        ]


class StockBalance(TenantModel):
    """On hand and reserved per (item, location, lot, serial, status), kept by the ledger."""

    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    lot = TenantForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="balances"
    )
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="balances"
    )
    status = models.CharField(max_length=20, choices=StockStatus.choices)
    on_hand = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    reserved = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    # Copied from the location: the checks below apply to real stock only.
    is_real = models.BooleanField()
    site = TenantForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["item", "location", "lot", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item", "location", "lot", "serial", "status"],
                name="inventory_stockbalance_key_uniq",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(is_real=False) | models.Q(on_hand__gte=0),
                name="inventory_stockbalance_on_hand_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0),
                name="inventory_stockbalance_reserved_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(is_real=False) | models.Q(reserved__lte=models.F("on_hand")),
                name="inventory_stockbalance_reserved_within_on_hand",
            ),
            models.CheckConstraint(
                condition=models.Q(serial__isnull=True) | models.Q(on_hand__lte=1, on_hand__gte=-1),
                name="inventory_stockbalance_serial_is_one_unit",
            ),
            # "A serial is in one place at a time" is a deferred constraint trigger (migration
            # 0002): a unique index would reject a serial's move whose arrival row is updated
            # before its departure row in the same ordered statement.
        ]
        indexes = [
            models.Index(
                fields=["tenant", "site", "item", "status"], name="inv_balance_site_item_idx"
            ),
            models.Index(fields=["tenant", "location"], name="inv_balance_location_idx"),
        ]


class Reservation(TenantModel):
    """Stock promised to a document line: moves `reserved` on its balance, never `on_hand`."""

    balance = TenantForeignKey(StockBalance, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    source_type = models.CharField(max_length=40, help_text=_("e.g. sales_order_line, pick_task"))
    source_id = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source_type", "source_id", "balance"],
                name="inventory_reservation_source_balance_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="inventory_reservation_quantity_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "source_type", "source_id"], name="inv_reservation_src_idx"
            )
        ]


class CostLayer(TenantModel):
    """Valued stock of an item at a site: one layer per receipt (FIFO) or one pool (average)."""

    item = TenantForeignKey(
        Item, on_delete=models.PROTECT, related_name="cost_layers", db_index=False
    )
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+", db_index=False)
    entry = TenantForeignKey(
        StockEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The inflow that created a FIFO layer"),
        db_index=False,
    )
    is_pool = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    original_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6)
    remaining_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    remaining_value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["item", "site", "received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remaining_quantity__gte=0),
                name="inventory_costlayer_remaining_not_negative",
            ),
            # A used-up FIFO layer gave its last value with its last unit: it holds nothing,
            # so what the layers hold is the open layers' and pools' sum alone (`verify`
            # reads only those, through their index).
            models.CheckConstraint(
                condition=models.Q(is_pool=True)
                | models.Q(remaining_quantity__gt=0)
                | models.Q(remaining_value=0),
                name="inventory_costlayer_used_up_holds_no_value",
            ),
            models.UniqueConstraint(
                fields=["tenant", "item", "site"],
                condition=models.Q(is_pool=True),
                name="inventory_costlayer_one_pool",
            ),
        ]
        indexes = [
            # The pool is part of the predicate so that the posting's read of "open layers
            # and the pool" matches it (see migration 0011). The remaining quantity and value
            # ride along so that what each item-site holds is summed from the index alone
            # (excess and dead stock; migration 0021).
            models.Index(
                fields=["tenant", "item", "site", "received_at"],
                include=["remaining_quantity", "remaining_value"],
                condition=models.Q(remaining_quantity__gt=0) | models.Q(is_pool=True),
                name="inv_costlayer_open_held_idx",
            ),
            models.Index(
                fields=["tenant", "item", "site", "received_at", "id"],
                name="inv_costlayer_history_idx",
            ),
            models.Index(
                fields=["tenant", "entry"],
                condition=models.Q(entry__isnull=False),
                name="inv_costlayer_entry_idx",
            ),
        ]


class ProjectionKind(models.TextChoices):
    SCHEDULED_RECEIPT = "scheduled_receipt", _("Scheduled receipt")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    DEMAND = "demand", _("Sales demand")
    TRANSFER_OUT = "transfer_out", _("Transfer out")


SUPPLY_KINDS = [ProjectionKind.SCHEDULED_RECEIPT, ProjectionKind.TRANSFER_IN]


class Projection(TenantModel):
    """Supply or demand that is not stock yet, published by the app owning the document line.

    `quantity` is positive for supply and negative for demand (base unit).
    """

    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="projections")
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    kind = models.CharField(max_length=20, choices=ProjectionKind.choices)
    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source_type", "source_id"],
                name="inventory_projection_source_uniq",
            ),
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="inventory_projection_quantity_not_zero"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=SUPPLY_KINDS, quantity__gt=0)
                    | (~models.Q(kind__in=SUPPLY_KINDS) & models.Q(quantity__lt=0))
                ),
                name="inventory_projection_sign_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "item", "site", "date"], name="inv_projection_item_idx")
        ]


class ItemSiteActivity(TenantModel):
    """When stock of an item last left a site (a shipment or a transfer out), written by the
    posting statement with the entries: dead stock ("no outbound movement in N days") reads one
    row per item-site instead of probing each one's history. Derived data, like the balances,
    kept in the posting's transaction; migration 0018 filled it from the entries before."""

    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+", db_index=False)
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+", db_index=False)
    last_outbound_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "item site activity"
        constraints = [
            # Also the index of the posting's upsert and of dead stock's join.
            models.UniqueConstraint(
                fields=["tenant", "item", "site"], name="inventory_itemsiteactivity_one"
            ),
        ]
