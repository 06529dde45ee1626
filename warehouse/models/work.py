"""The task queue: every piece of floor work (put away, replenish, pick a batch, count, move a
transfer) as one row an operator can be handed, whatever flow owns the work itself.

A `WorkTask` names its flow's own document by `kind` and `reference` (the putaway task's or
the pick batch's id) rather than by one foreign key per kind: the queue orders, assigns and
reprioritises work without knowing what the work is, and a new kind of work needs no new
column. The flow keeps its document's own state; the queue keeps who has it and how urgent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Site, Zone


class WorkKind(models.TextChoices):
    PUTAWAY = "putaway", _("Put away")
    REPLENISH = "replenish", _("Replenish")
    PICK = "pick", _("Pick batch")
    COUNT = "count", _("Count")
    TRANSFER = "transfer", _("Transfer")


class WorkStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class WorkTask(TenantModel):
    kind = models.CharField(max_length=20, choices=WorkKind.choices)
    reference = models.BigIntegerField(help_text=_("The id of the flow's own document"))
    status = models.CharField(max_length=20, choices=WorkStatus.choices, default=WorkStatus.OPEN)
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices,
        default=Priority.NORMAL,
        validators=[MinValueValidator(Priority.URGENT), MaxValueValidator(Priority.LOW)],
    )
    due_at = models.DateTimeField(null=True, blank=True)
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    zone = TenantForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", models.F("due_at").asc(nulls_last=True), "created_at", "id"]
        constraints = [
            # One queue entry per document: a flow that adds its work twice (a retried task)
            # finds the first.
            models.UniqueConstraint(
                fields=["tenant", "kind", "reference"], name="warehouse_worktask_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=WorkKind.values), name="warehouse_worktask_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=WorkStatus.values),
                name="warehouse_worktask_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(priority__gte=Priority.URGENT, priority__lte=Priority.LOW),
                name="warehouse_worktask_priority_valid",
            ),
            # Started work always has someone doing it.
            models.CheckConstraint(
                condition=~models.Q(status=WorkStatus.STARTED) | models.Q(assignee__isnull=False),
                name="warehouse_worktask_started_assigned",
            ),
        ]
        indexes = [
            # The next-task query: a site's waiting work, most urgent first.
            models.Index(
                fields=["tenant", "site", "status", "priority", "created_at"],
                name="warehouse_worktask_next",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"
