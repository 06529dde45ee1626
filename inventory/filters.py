from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from inventory import selectors
from inventory.models import (
    AbcClass,
    Bin,
    BinType,
    Item,
    Site,
    Tracking,
    Velocity,
    Zone,
    ZoneType,
)


def _search_widget(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", widget=_search_widget("code or name")
    )
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Site
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


class ZoneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", widget=_search_widget("code or name")
    )
    site = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.sites(tenant=request.tenant), empty_label="All sites"
    )
    zone_type = django_filters.ChoiceFilter(
        choices=ZoneType.choices, empty_label="All types", label="Type"
    )

    class Meta:
        model = Zone
        fields = ["q", "site", "zone_type"]

    def search(self, queryset, name, value):
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


class BinFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(
        label="Code", lookup_expr="icontains", widget=_search_widget("bin code")
    )
    site = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.sites(tenant=request.tenant), empty_label="All sites"
    )
    zone = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.zones(tenant=request.tenant), empty_label="All zones"
    )
    bin_type = django_filters.ChoiceFilter(
        choices=BinType.choices, empty_label="All types", label="Type"
    )
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Bin
        fields = ["code", "site", "zone", "bin_type", "is_active"]


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", widget=_search_widget("SKU or description")
    )
    category = django_filters.ChoiceFilter(choices=[], empty_label="All categories")
    tracking = django_filters.ChoiceFilter(choices=Tracking.choices, empty_label="Any tracking")
    abc_class = django_filters.ChoiceFilter(
        choices=AbcClass.choices, empty_label="Any ABC", label="ABC"
    )
    velocity_class = django_filters.ChoiceFilter(
        choices=Velocity.choices, empty_label="Any velocity", label="Velocity"
    )
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Item
        fields = ["q", "category", "tracking", "abc_class", "velocity_class", "is_active"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # The tenant's own categories, read when the form is built.
        categories = selectors.used_item_categories(tenant=request.tenant)
        self.filters["category"].extra["choices"] = [(c, c) for c in categories]

    def search(self, queryset, name, value):
        return queryset.filter(Q(sku__icontains=value) | Q(description__icontains=value))
