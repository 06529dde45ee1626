"""Physical places: sites, the zones inside them, and the bins stock sits in."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


code_validator_message = _("Use letters, digits, '-', '_' and '.' only.")

# A bin label carries "SITE/BIN" (inventory.scanning.label_text): neither code may hold the
# separator, so the label reads back one way only.
LABEL_SEPARATOR = "/"
CODE_PATTERN = r"^[^\s/]+$"


class Site(TenantModel):
    """A warehouse or branch with its own address and local time."""

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (2)"), max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166 two-letter code"))
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_active = models.BooleanField(_("active"), default=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it. The database default serves raw bulk INSERTs (bin import).
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="inventory_site_changed")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="inventory_site_tenant_code_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\S+$"), name="inventory_site_code_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=CODE_PATTERN), name="inventory_site_code_no_slash"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:site_detail", args=[self.pk])


class ZoneType(models.TextChoices):
    RECEIVING = "receiving", _("Receiving")
    STORAGE = "storage", _("Storage")
    PICK = "pick", _("Pick")
    PACKING = "packing", _("Packing")
    SHIPPING = "shipping", _("Shipping")
    RETURNS = "returns", _("Returns")
    QUARANTINE = "quarantine", _("Quarantine")


class Zone(TenantModel):
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="zones")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    zone_type = models.CharField(_("type"), max_length=20, choices=ZoneType.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "site", "code"], name="inventory_zone_site_code_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(zone_type__in=ZoneType.values), name="inventory_zone_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\S+$"), name="inventory_zone_code_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.code}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:zone_detail", args=[self.pk])


class BinType(models.TextChoices):
    PICK_FACE = "pick_face", _("Pick face")
    RESERVE = "reserve", _("Reserve")
    STAGING = "staging", _("Staging")
    DOCK = "dock", _("Dock")
    QC = "qc", _("QC")


class Bin(TenantModel):
    """A scannable storage position. Its code is unique within its site."""

    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="bins")
    zone = TenantForeignKey(Zone, on_delete=models.PROTECT, related_name="bins")
    code = models.CharField(max_length=40)
    bin_type = models.CharField(_("type"), max_length=20, choices=BinType.choices)
    walk_sequence = models.PositiveIntegerField(default=0, help_text=_("Order in a picker's walk"))
    capacity_volume = models.DecimalField(
        _("capacity (m³)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    capacity_weight = models.DecimalField(
        _("capacity (kg)"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    capacity_units = models.PositiveIntegerField(_("capacity (units)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it. The database default serves raw bulk INSERTs (bin import).
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__code", "walk_sequence", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "site", "code"], name="inventory_bin_site_code_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(bin_type__in=BinType.values), name="inventory_bin_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_volume__gte=0) | models.Q(capacity_volume__isnull=True),
                name="inventory_bin_volume_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_weight__gte=0) | models.Q(capacity_weight__isnull=True),
                name="inventory_bin_weight_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\S+$"), name="inventory_bin_code_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=CODE_PATTERN), name="inventory_bin_code_no_slash"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "zone", "walk_sequence"], name="inventory_bin_zone_walk_idx"
            ),
            models.Index(fields=["tenant", "updated_at", "id"], name="inventory_bin_changed"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("inventory:bin_detail", args=[self.pk])


class DefaultSite(TenantModel):
    """The site a member starts at: their current site until they switch in the top bar.

    Keyed by membership (one user may work at Chicago for one tenant and Seattle for
    another). It lives in inventory, not on the membership, because erp knows nothing of
    sites.
    """

    membership = TenantForeignKey("erp.Membership", on_delete=models.CASCADE, related_name="+")
    site = TenantForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership"], name="inventory_defaultsite_membership_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} at {self.site_id}"
