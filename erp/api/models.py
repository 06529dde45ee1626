"""API tokens: a system's credential in one tenant, acting as one role."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantModel
from erp.roles import Role


class ApiToken(TenantModel):
    """A named token an admin created for a system (the store, the EDI gateway).

    Only the SHA-256 of the token is kept: it is 256 random bits, so a slow hash would add
    nothing but time to every request. The token acts through `client`, a user of its own
    holding one membership with `role`, so pages' role checks, services' `user=` and history
    treat it like a member and never let it beyond that role.
    """

    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    prefix = models.CharField(max_length=24)  # shown in lists, so a token can be recognised
    digest = models.CharField(max_length=64)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=600,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "digest"], name="erp_apitoken_digest_uniq"),
            models.UniqueConstraint(fields=["tenant", "client"], name="erp_apitoken_client_uniq"),
            models.UniqueConstraint(
                fields=["tenant", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="erp_apitoken_active_name_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="erp_apitoken_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_per_minute__gte=1, rate_per_minute__lte=100_000),
                name="erp_apitoken_rate_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
