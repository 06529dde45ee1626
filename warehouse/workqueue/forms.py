"""Forms of the task queue: the supervisor's filters and changes, the operator's start."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.models import User
from inventory.models import Site, Zone
from warehouse.models import Priority, WorkKind, WorkTask
from warehouse.permissions import FLOOR

UNASSIGNED = "none"
REASON = forms.CharField(max_length=100, required=False, label=_("Why"))


def floor_people(tenant) -> QuerySet[User]:
    return User.objects.filter(
        memberships__tenant=tenant, memberships__role__in=FLOOR, is_active=True
    ).order_by("full_name", "email")


class MinutesFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class WorkFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=WorkKind.choices, empty_label=_("Any type"))
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label=_("Any site"))
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.none(), empty_label=_("Any zone"))
    assignee = django_filters.ChoiceFilter(
        choices=[], empty_label=_("Anyone"), method="by_assignee", label=_("Assignee")
    )
    older_than = MinutesFilter(
        method="by_age", label=_("Waiting over (min)"), min_value=0, max_value=525600
    )

    class Meta:
        model = WorkTask
        fields = ["kind", "site", "zone"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        tenant = request.tenant
        self.filters["site"].queryset = Site.objects.filter(tenant=tenant, is_active=True)
        self.filters["zone"].queryset = Zone.objects.filter(tenant=tenant).select_related("site")
        people = [(str(u.pk), u.full_name or u.email) for u in floor_people(tenant)]
        self.filters["assignee"].extra["choices"] = [(UNASSIGNED, _("Nobody yet")), *people]

    def by_assignee(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)

    def by_age(self, queryset, name, value):
        return queryset.filter(created_at__lte=timezone.now() - datetime.timedelta(minutes=value))


class StartForm(forms.Form):
    """The task the operator saw (it may have been taken since), and their zone."""

    task = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    zone = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ChangeForm(forms.Form):
    ACTIONS = [
        ("reassign", _("Reassign")),
        ("reprioritise", _("Change priority")),
        ("release", _("Back to queue")),
        ("cancel", _("Cancel")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ChoiceField(required=False, label=_("Give to"))
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, required=False, label=_("Priority")
    )
    reason = REASON

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.pk): u for u in floor_people(tenant)}
        self.fields["assignee"].choices = [
            (UNASSIGNED, _("Whoever takes it next")),
            *[(pk, u.full_name or u.email) for pk, u in self.people.items()],
        ]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "reassign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose who gets the work."))
        if action == "reprioritise" and not data.get("priority"):
            self.add_error("priority", _("Choose a priority."))
        if action == "cancel" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the work is cancelled."))
        return data

    def chosen_person(self) -> User | None:
        return self.people.get(self.cleaned_data["assignee"])


def zone_at(tenant, site, zone_id: int | None) -> Zone | None:
    if zone_id is None or site is None:
        return None
    return Zone.objects.filter(Q(tenant=tenant) & Q(site=site), pk=zone_id).first()
