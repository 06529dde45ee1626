"""What `verify_ledger` found, and the trusted checkpoint it continues from
(DESIGN.md, "The inventory ledger"). Only `inventory.ledger` writes these tables.

A checkpoint is the latest clean check that fixed a watermark: every entry up to
`upto_entry_id` is summed into `LedgerCheckpointBalance` (per balance key) and
`LedgerCheckpointValue` (per item and site), so the next check reads only the later entries
and compares "sums + those entries" with the balances and cost layers as they are now.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantForeignKey, TenantModel


class LedgerCheck(TenantModel):
    """One run of the ledger check. A clean run that could fix a watermark is a checkpoint
    (`upto_entry_id` set); the other runs record what was found, for the alert."""

    started_at = models.DateTimeField()
    seconds = models.FloatField()
    full = models.BooleanField(
        help_text=_("Checked every entry, not only those after a checkpoint")
    )
    based_on = TenantForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    entries_checked = models.BigIntegerField(help_text=_("Entries read by this run"))
    differences = models.IntegerField()
    report = models.TextField(blank=True, help_text=_("The first differences found"))
    upto_entry_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=_("No posting can commit an entry up to this id any more (ledger.watermark)"),
    )
    entries = models.BigIntegerField(
        null=True, blank=True, help_text=_("Entries summed into the checkpoint")
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(upto_entry_id__isnull=True)
                | models.Q(differences=0, entries__isnull=False),
                name="inventory_ledgercheck_checkpoint_is_clean",
            ),
        ]

    def __str__(self) -> str:
        return f"ledger check #{self.pk}"

    @property
    def is_checkpoint(self) -> bool:
        return self.upto_entry_id is not None


class LedgerCheckpointBalance(TenantModel):
    """On hand per balance key summed over the checkpoint's entries. Plain ids, not keys: the
    rows are sums, written in bulk, and nothing joins through them."""

    item_id = models.BigIntegerField()
    location_id = models.BigIntegerField()
    lot_id = models.BigIntegerField(help_text=_("0 when none"))
    serial_id = models.BigIntegerField(help_text=_("0 when none"))
    status = models.CharField(max_length=20)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [
            # The upsert that advances a checkpoint names this as its conflict target, and the
            # check reads a tenant's rows through it.
            models.UniqueConstraint(
                fields=["tenant", "item_id", "location_id", "lot_id", "serial_id", "status"],
                name="inventory_ledgercheckpointbalance_key_uniq",
            ),
        ]


class LedgerCheckpointValue(TenantModel):
    """Quantity and value per item and site summed over the checkpoint's entries."""

    item_id = models.BigIntegerField()
    site_id = models.BigIntegerField()
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item_id", "site_id"],
                name="inventory_ledgercheckpointvalue_key_uniq",
            ),
        ]
