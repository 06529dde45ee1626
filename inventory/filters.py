from __future__ import annotations

import django_filters
from django import forms

from inventory import selectors
from inventory.models import Bin, BinType, Site, Zone, ZoneType


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
