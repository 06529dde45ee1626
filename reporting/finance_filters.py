"""The register's filters: a django-filter FilterSet narrowing `reporting.finance.Register`."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone

from erp.selectors import memberships
from inventory import selectors as inventory
from inventory.models import StockEntry
from reporting.finance import REASONS, day_bounds


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class RegisterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The period ends before it starts: swap the dates.")
        return data


class RegisterFilter(django_filters.FilterSet):
    """Period (this month unless given), site, reason, item category and user (who requested,
    approved or posted)."""

    start = django_filters.DateFilter(label="From", method="keep", widget=_date_widget())
    end = django_filters.DateFilter(label="To (inclusive)", method="keep", widget=_date_widget())
    site = django_filters.ModelChoiceFilter(
        queryset=lambda request: inventory.sites(tenant=request.tenant),
        empty_label="All sites",
        method="filter_site",
    )
    reason = django_filters.ChoiceFilter(
        label="Reason", choices=list(REASONS.items()), method="filter_reason",
        empty_label="All reasons",
    )  # fmt: skip
    category = django_filters.ChoiceFilter(
        label="Item category", choices=[], method="filter_category", empty_label="All categories"
    )
    user = django_filters.ModelChoiceFilter(
        label="User",
        queryset=lambda request: get_user_model().objects.filter(
            pk__in=memberships(tenant=request.tenant).values("user")
        ),
        empty_label="Anyone",
        method="filter_user",
    )

    class Meta:
        model = StockEntry
        form = RegisterForm
        fields = ["start", "end", "site", "reason", "category", "user"]

    def __init__(self, data=None, *args, **kwargs):
        # Bound even on a first visit (no query at all), so this month applies there too:
        # unbound, the register would read the whole history.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("start") and not data.get("end"):
            today = timezone.localdate()
            data["start"], data["end"] = today.replace(day=1).isoformat(), today.isoformat()
        super().__init__(data, *args, **kwargs)
        self.filters["category"].extra["choices"] = [
            (c, c) for c in inventory.used_item_categories(tenant=self.request.tenant)
        ]

    def filter_queryset(self, register):
        data = self.form.cleaned_data
        start, end = day_bounds(data.get("start"), data.get("end"))
        register = register.narrowed(start=start, end=end)
        for name, value in data.items():
            register = self.filters[name].filter(register, value)
        return register

    def keep(self, register, name, value):
        return register  # the period is applied once, above

    def filter_site(self, register, name, value):
        return register.narrowed(site_id=value.pk)

    def filter_reason(self, register, name, value):
        return register.narrowed(reason=value)

    def filter_category(self, register, name, value):
        return register.narrowed(category=value)

    def filter_user(self, register, name, value):
        return register.narrowed(user_id=value.pk)
