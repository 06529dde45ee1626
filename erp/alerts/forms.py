"""Forms of the alert pages: the inbox's filters, a note, the tenant's alert settings."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.alerts import registry
from erp.alerts.models import Alert, AlertSettings, AlertStatus

# The inbox's "Show" choices: what each shows. The first is the inbox's default.
STATES = {
    "active": (_("Open or acknowledged"), [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]),
    "open": (_("Not acknowledged"), [AlertStatus.OPEN]),
    "resolved": (_("Resolved"), [AlertStatus.RESOLVED]),
    "closed": (_("Closed itself"), [AlertStatus.CLOSED]),
    "all": (_("All"), list(AlertStatus)),
}
DEFAULT_STATE = "active"


class AlertFilter(django_filters.FilterSet):
    """The inbox's filters. `state` is applied by the view (`state_of`), since an unfiltered
    inbox shows the default; it has no empty choice, so the first option is that default."""

    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(key, label) for key, (label, _statuses) in STATES.items()],
        empty_label=None,
        method="keep",
    )
    # The kinds are whatever apps registered by now (erp.alerts.registry): set per instance.
    kind = django_filters.ChoiceFilter(choices=[], empty_label=_("Any kind"))

    class Meta:
        model = Alert
        fields = ["state", "kind"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["kind"].extra["choices"] = registry.kind_choices()

    def keep(self, queryset, name, value):
        return queryset


def state_of(params) -> str:
    """The inbox's "Show" choice in `params`: the default when absent or not one of `STATES`
    (the filter form then says what is wrong)."""
    state = params.get("state") or DEFAULT_STATE
    return state if state in STATES else DEFAULT_STATE


class NoteForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, strip=True)


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["lot_expiry_days", "backorder_age_days", "replenishment_due_hours"]
