from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.alerts.models import (
    Alert,
    AlertSettings,
    AlertStatus,
    AlertSubscription,
)  # alerts' own package
from erp.api.models import ApiToken  # the API's own package
from erp.exports.models import ExportJob, ExportStatus  # the export mechanism's own package
from erp.fields import TenantModel
from erp.formats import DEFAULT_CURRENCY, DateFormat, validate_time_zone
from erp.imports.models import ImportJob, ImportStatus  # the import framework's own package
from erp.roles import Role
from erp.webhooks.models import (  # the webhooks' own package
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "Alert",
    "AlertSettings",
    "AlertStatus",
    "AlertSubscription",
    "ApiToken",
    "DeliveryStatus",
    "ExportJob",
    "ExportStatus",
    "ImportJob",
    "ImportStatus",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "PaperSize",
    "Tenant",
    "User",
    "UserManager",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Users are global; what they may do lives in `Membership`."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    # The user an API token acts as (erp.api.models.ApiToken.client): it never signs in, is
    # not listed among members and does not count as an organisation's admin.
    is_api_client = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="erp_user_email_ci_uniq"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class PaperSize(models.TextChoices):
    A4 = "a4", _("A4 (210 x 297 mm)")
    LETTER = "letter", _("Letter (8.5 x 11 in)")


class Tenant(models.Model):
    """A distributor using Stockline. Global: its rows are not behind row-level security."""

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(max_length=200)
    # Pick lists, packing slips, bills of lading and purchase orders print on this paper;
    # labels keep the size of their label stock.
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How its pages show amounts and dates (erp.formats); documents with their own currency
    # (purchase orders) keep it.
    currency = models.CharField(
        max_length=3,
        default=DEFAULT_CURRENCY,
        validators=[
            RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code such as USD."))
        ],
        help_text=_("ISO 4217 code shown after amounts, e.g. USD"),
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Dates and times on every page are shown in this zone"),
    )
    date_format = models.CharField(
        max_length=10, choices=DateFormat.choices, default=DateFormat.ISO
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paper_size__in=PaperSize.values),
                name="erp_tenant_paper_size_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A user's role in one tenant; a user may hold one membership per tenant."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user"], name="erp_membership_tenant_user_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="erp_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.tenant}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class Invitation(TenantModel):
    """A role in a tenant offered to a user who already has an account (erp.invitations).

    No membership exists until the user, signed in as themselves, accepts. Only a hash of the
    link's token is kept, so a copy of this table cannot be used to accept on anyone's behalf.
    A pending invitation past `expires_at` is expired whether or not its status says so yet.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    token_hash = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Inviting again while one is pending renews that one instead of adding another.
            models.UniqueConstraint(
                fields=["tenant", "user"],
                condition=models.Q(status="pending"),
                name="erp_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="erp_invitation_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InvitationStatus.values),
                name="erp_invitation_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(closed_at__isnull=False),
                name="erp_invitation_closed_at_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} invited as {self.get_role_display()} to {self.tenant}"

    @property
    def state(self) -> str:
        if self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return self.status

    def get_state_display(self) -> str:
        return InvitationStatus(self.state).label


class SignInFailure(models.Model):
    """Failed sign-ins counted per account, per client address and per pair of the two, kept
    in PostgreSQL so that signing in never depends on Redis. Keys are hashes: no e-mail
    address or IP is stored. Not tenant-owned: a sign-in happens before there is a tenant."""

    scope = models.CharField(max_length=10)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    last_failure = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="erp_signinfailure_scope_key"),
            models.CheckConstraint(
                condition=models.Q(scope__in=["pair", "account", "address"]),
                name="erp_signinfailure_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} failed sign-ins ({self.scope})"


class IdempotentRequest(TenantModel):
    """A form submission done once: its key, minted when the form was rendered, and the answer
    it got, which a repeat of the same key (a double tap, a retry) receives instead of doing
    the work again. Written in the request's own transaction (erp.idempotency)."""

    key = models.CharField(max_length=32)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    # API requests only (erp.api.idempotency): what was sent, so the same Idempotency-Key
    # with another body is refused rather than answered with the first body's result.
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="erp_idempotentrequest_key"),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.key})"


class OutboxMessage(models.Model):
    """Follow-up work a transaction asks for, written in that transaction (erp.outbox).

    Not tenant-owned: a beat task sweeps every tenant's unsent rows, and the rows hold only a
    task name and ids (the tenant's among them), no business data; the task opens its
    tenant's context itself."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="erp_outbox_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
