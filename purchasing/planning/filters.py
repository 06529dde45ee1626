from __future__ import annotations

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from inventory.models import Site
from inventory.services.segmentation import tenant_today
from purchasing.models import ReorderSuggestion, SuggestionKind, SuggestionStatus, Supplier

# Urgency by the projected stockout date: days from the tenant's today.
URGENCY = {"now": 0, "week": 7, "month": 30}


class SuggestionFilter(django_filters.FilterSet):
    # Applied by the view (open unless another is chosen); here for the form.
    status = django_filters.ChoiceFilter(
        choices=SuggestionStatus.choices, empty_label=_("Open"), method="keep"
    )
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label=_("Any site"))
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.none(), empty_label=_("Any supplier")
    )
    abc_class = django_filters.ChoiceFilter(
        label=_("ABC class"), choices=[(c, c) for c in "ABC"], empty_label=_("Any class")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Runs out"),
        choices=[("now", _("Out now")), ("week", _("Within 7 days")), ("month", _("Within 30 days"))],
        empty_label=_("Any time"), method="filter_urgency",
    )  # fmt: skip
    kind = django_filters.ChoiceFilter(choices=SuggestionKind.choices, empty_label=_("Any kind"))
    item = django_filters.CharFilter(field_name="item__sku", lookup_expr="istartswith")

    class Meta:
        model = ReorderSuggestion
        fields = ["status", "site", "supplier", "abc_class", "urgency", "kind", "item"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = request.tenant
        self.filters["site"].queryset = Site.objects.filter(tenant=request.tenant, is_active=True)
        self.filters["supplier"].queryset = Supplier.objects.filter(tenant=request.tenant)

    def keep(self, queryset, name, value):
        return queryset

    def filter_urgency(self, queryset, name, value):
        days = URGENCY.get(value)
        if days is None:
            return queryset
        until = tenant_today(self.tenant) + datetime.timedelta(days=days)
        return queryset.filter(stockout_date__lte=until)
