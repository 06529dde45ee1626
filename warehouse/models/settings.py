from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantModel


class ShelfLifePolicy(models.TextChoices):
    REFUSE = "refuse", _("Refuse the goods")
    QUARANTINE = "quarantine", _("Receive into quarantine")


class ReceivingSettings(TenantModel):
    """Per-tenant receiving policy (one row per tenant)."""

    shelf_life_policy = models.CharField(
        _("expired or short-dated goods"),
        max_length=20,
        choices=ShelfLifePolicy.choices,
        default=ShelfLifePolicy.QUARANTINE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "receiving settings"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], name="warehouse_receivingsettings_one_per_tenant"
            )
        ]
