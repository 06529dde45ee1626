"""Filters of the floor exceptions page."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from warehouse.models import ExceptionKind, FloorException

# The page's "Show" choices: each one's condition. The first is the page's default.
STATES = {
    "open": (_("Not acknowledged"), Q(acknowledged_at__isnull=True)),
    "acknowledged": (_("Acknowledged"), Q(acknowledged_at__isnull=False)),
    "all": (_("All"), Q()),
}
DEFAULT_STATE = "open"


class ExceptionFilter(django_filters.FilterSet):
    """`state` is applied by the view (`state_of`), since an unfiltered page shows those not
    acknowledged; it has no empty choice, so the first option is that default."""

    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(key, label) for key, (label, _condition) in STATES.items()],
        empty_label=None,
        method="keep",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ExceptionKind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = FloorException
        fields = ["state", "kind"]

    def keep(self, queryset, name, value):
        return queryset


def state_of(params) -> str:
    """The "Show" choice in `params`: the default when absent or not one of `STATES` (the
    filter form then says what is wrong)."""
    state = params.get("state") or DEFAULT_STATE
    return state if state in STATES else DEFAULT_STATE
