from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from inventory import selectors
from inventory.models import (
    AbcClass,
    Bin,
    BinType,
    CostLayer,
    Item,
    ItemSegment,
    Site,
    StockBalance,
    StockEntry,
    StockStatus,
    StockTransaction,
    Tracking,
    TransactionKind,
    Velocity,
    XyzClass,
    Zone,
    ZoneType,
)


def _search_widget(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


def _date_widget() -> forms.DateInput:
    # type=date inputs only accept ISO dates.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DaysFilter(django_filters.NumberFilter):
    """A whole number of days; a hundred years at most, since a date further out than that
    overflows (the filter answers with its form error instead)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", 36500)
        super().__init__(*args, **kwargs)


def _utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _item_search(value: str) -> Q:
    return Q(item__sku__icontains=value) | Q(item__description__icontains=value)


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


# Stock, ledger and valuation pages -----------------------------------------------------------


class StockFilter(django_filters.FilterSet):
    EXPIRY_CHOICES = [
        ("expired", "Expired"),
        ("not_expired", "Not expired"),
        ("none", "No expiry date"),
    ]

    item = django_filters.CharFilter(
        label="Item", method="search_item", widget=_search_widget("SKU or description")
    )
    site = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.sites(tenant=request.tenant), empty_label="All sites"
    )
    zone = django_filters.ModelChoiceFilter(
        label="Zone",
        field_name="location__bin__zone",
        queryset=lambda request: selectors.zones(tenant=request.tenant),
        empty_label="All zones",
    )
    bin = django_filters.CharFilter(
        label="Bin",
        field_name="location__bin__code",
        lookup_expr="icontains",
        widget=_search_widget("bin code"),
    )
    lot = django_filters.CharFilter(
        label="Lot", field_name="lot__code", lookup_expr="icontains", widget=_search_widget("lot")
    )
    status = django_filters.ChoiceFilter(choices=StockStatus.choices, empty_label="All statuses")
    expiry = django_filters.ChoiceFilter(
        label="Expiry", choices=EXPIRY_CHOICES, method="filter_expiry", empty_label="Any expiry"
    )
    expires_within = DaysFilter(
        label="Expires within (days)", method="filter_expires_within", min_value=0
    )
    expiry_from = django_filters.DateFilter(
        label="Expiry from", field_name="lot__expiry_date", lookup_expr="gte", widget=_date_widget()
    )
    expiry_to = django_filters.DateFilter(
        label="Expiry to", field_name="lot__expiry_date", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = StockBalance
        fields = ["item", "site", "zone", "bin", "lot", "status"]

    def search_item(self, queryset, name, value):
        return queryset.filter(_item_search(value))

    def filter_expiry(self, queryset, name, value):
        today = timezone.localdate()
        if value == "expired":
            return queryset.filter(lot__expiry_date__lt=today)
        if value == "not_expired":
            return queryset.filter(lot__expiry_date__gte=today)
        return queryset.filter(lot__expiry_date__isnull=True)

    def filter_expires_within(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            lot__expiry_date__gte=today,
            lot__expiry_date__lte=today + datetime.timedelta(days=value),
        )


class TransactionFilter(django_filters.FilterSet):
    # Days in UTC (the page says so), compared as a range of instants so the posted_at index
    # serves them, which a cast to date would not.
    date_from = django_filters.DateFilter(label="From", method="posted_from", widget=_date_widget())
    date_to = django_filters.DateFilter(label="To", method="posted_to", widget=_date_widget())
    kind = django_filters.ChoiceFilter(choices=TransactionKind.choices, empty_label="All kinds")
    user = django_filters.ModelChoiceFilter(
        label="Posted by",
        field_name="posted_by",
        queryset=lambda request: selectors.posting_users(tenant=request.tenant),
        empty_label="Anyone",
    )
    item = django_filters.CharFilter(
        label="Item", method="having_item", widget=_search_widget("SKU or description")
    )
    reference = django_filters.CharFilter(
        label="Reference", lookup_expr="icontains", widget=_search_widget("document")
    )

    class Meta:
        model = StockTransaction
        fields = ["date_from", "date_to", "kind", "user", "item", "reference"]

    def posted_from(self, queryset, name, value):
        return queryset.filter(posted_at__gte=_utc_midnight(value))

    def posted_to(self, queryset, name, value):
        return queryset.filter(posted_at__lt=_utc_midnight(value + datetime.timedelta(days=1)))

    def having_item(self, queryset, name, value):
        return selectors.with_entry_for_item(queryset, tenant=self.request.tenant, search=value)


class EntryFilter(django_filters.FilterSet):
    item = django_filters.CharFilter(
        label="Item", method="search_item", widget=_search_widget("SKU or description")
    )
    status = django_filters.ChoiceFilter(choices=StockStatus.choices, empty_label="All statuses")

    class Meta:
        model = StockEntry
        fields = ["item", "status"]

    def search_item(self, queryset, name, value):
        return queryset.filter(_item_search(value))


class DefaultsFilterSet(django_filters.FilterSet):
    """A FilterSet whose `defaults()` fill the filters the query string leaves out or empty,
    so a page opened without a query already shows (and applies) them."""

    def defaults(self) -> dict[str, str]:
        return {}

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for key, value in self.defaults().items():
            if not data.get(key):
                data[key] = value
        super().__init__(data, *args, **kwargs)


class ValuationFilter(DefaultsFilterSet):
    """Narrows `selectors.ValuationGroups` (the as-of date, today unless given, applies to the
    entries before they are summed)."""

    as_of = django_filters.DateFilter(
        label="As of (end of day)", method="filter_as_of", widget=_date_widget()
    )
    site = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.sites(tenant=request.tenant),
        empty_label="All sites",
        method="filter_site",
    )
    category = django_filters.ChoiceFilter(
        label="Category", choices=[], method="filter_category", empty_label="All categories"
    )
    group = django_filters.ChoiceFilter(
        label="Group by",
        choices=[("site_category", "Site and category"), ("category", "Category, all sites")],
        method="filter_group",
        empty_label=None,
    )

    class Meta:
        model = StockEntry
        fields = ["as_of", "site", "category", "group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tenant's categories; items without one get a choice of their own.
        self.filters["category"].extra["choices"] = [
            (c or selectors.BLANK_CATEGORY, c or "(no category)")
            for c in selectors.item_categories(tenant=self.request.tenant)
        ]

    def defaults(self) -> dict[str, str]:
        return {"as_of": timezone.localdate().isoformat(), "group": "site_category"}

    def filter_queryset(self, queryset):
        # django-filter's own loop, without its check that each step returns a QuerySet.
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_as_of(self, groups, name, value):
        return groups.as_of(value)

    def filter_site(self, groups, name, value):
        return groups.at_site(value)

    def filter_category(self, groups, name, value):
        return groups.in_category("" if value == selectors.BLANK_CATEGORY else value)

    def filter_group(self, groups, name, value):
        return groups.grouped(value)


class ValuationItemFilter(ValuationFilter):
    """Items of one site (from the URL): as of a date, by category and SKU or description."""

    site = None
    group = None
    item = django_filters.CharFilter(
        label="Item", method="search_item", widget=_search_widget("SKU or description")
    )

    class Meta:
        model = StockEntry
        fields = ["as_of", "category", "item"]

    def search_item(self, groups, name, value):
        return groups.matching(value)


class CostLayerFilter(DefaultsFilterSet):
    """Narrows the layers of `selectors.cost_layers_as_of` (or `cost_layers_present`): the
    view reads the date first and builds the as-of queryset from it, so the state filters the
    layers as they stood on that day (`then_quantity`)."""

    STATE_CHOICES = [("open", "With stock left"), ("used", "Used up"), ("all", "All")]

    as_of = django_filters.DateFilter(
        label="Layers as of (end of day)", method="keep_all", widget=_date_widget()
    )
    state = django_filters.ChoiceFilter(
        label="Layers", choices=STATE_CHOICES, method="filter_state", empty_label=None
    )

    class Meta:
        model = CostLayer
        fields = ["as_of", "state"]

    def defaults(self) -> dict[str, str]:
        return {"as_of": timezone.localdate().isoformat(), "state": "open"}

    def keep_all(self, queryset, name, value):
        # The view built the queryset for this date already.
        return queryset

    def filter_state(self, queryset, name, value):
        # A moving-average pool is the item's one layer: shown even when empty.
        if value == "open":
            return queryset.filter(Q(then_quantity__gt=0) | Q(is_pool=True))
        if value == "used":
            return queryset.filter(then_quantity=0, is_pool=False)
        return queryset


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


class SegmentFilter(django_filters.FilterSet):
    item = django_filters.CharFilter(
        label="Item", method="search_item", widget=_search_widget("SKU or description")
    )
    site = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.sites(tenant=request.tenant), empty_label="All sites"
    )
    abc_class = django_filters.ChoiceFilter(
        choices=AbcClass.choices, empty_label="Any ABC", label="ABC"
    )
    xyz_class = django_filters.ChoiceFilter(
        choices=XyzClass.choices, empty_label="Any XYZ", label="XYZ"
    )

    class Meta:
        model = ItemSegment
        fields = ["item", "site", "abc_class", "xyz_class"]

    def search_item(self, queryset, name, value):
        return queryset.filter(_item_search(value))
