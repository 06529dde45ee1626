"""Filters of the sales tables (customers, orders, the order pool, backorders)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from erp.lookups import LookupFilter
from inventory import selectors as inventory_selectors
from inventory.models import AbcClass
from orders import selectors
from orders.models import Customer, OrderStatus, PriorityTier, SalesOrder, SalesOrderLine

# A category filter's value for items without one (as reporting.scope sends it).
NO_CATEGORY = "__none__"


def _search_widget(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class _CarrierRouteMixin:
    """Carrier and route choices from what the tenant's customers and orders use."""

    def _fill_carriers_and_routes(self, request) -> None:
        self.filters["carrier"].extra["choices"] = [
            (c, c) for c in selectors.carriers(tenant=request.tenant)
        ]
        self.filters["route"].extra["choices"] = [
            (r, r) for r in selectors.routes(tenant=request.tenant)
        ]


class CustomerFilter(_CarrierRouteMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", widget=_search_widget("code or name")
    )
    priority = django_filters.ChoiceFilter(choices=PriorityTier.choices, empty_label="Any priority")
    carrier = django_filters.ChoiceFilter(choices=[], empty_label="Any carrier")
    route = django_filters.ChoiceFilter(choices=[], empty_label="Any route")
    credit_hold = django_filters.BooleanFilter(label="Credit hold")
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Customer
        fields = ["q", "priority", "carrier", "route", "credit_hold", "is_active"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self._fill_carriers_and_routes(request)

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class OrderFilter(_CarrierRouteMixin, django_filters.FilterSet):
    number = django_filters.CharFilter(
        label="Number or reference", method="search", widget=_search_widget("SO number or PO")
    )
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, empty_label="Any status")
    customer = LookupFilter(
        queryset=lambda request: selectors.customers(tenant=request.tenant),
        url_name="orders:customer_lookup",
    )
    carrier = django_filters.ChoiceFilter(choices=[], empty_label="Any carrier")
    route = django_filters.ChoiceFilter(choices=[], empty_label="Any route")
    promised_from = django_filters.DateFilter(
        label="Promised from", field_name="promised_date", lookup_expr="gte", widget=_date_widget()
    )
    promised_to = django_filters.DateFilter(
        label="Promised to", field_name="promised_date", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = SalesOrder
        fields = ["number", "status", "customer", "carrier", "route"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self._fill_carriers_and_routes(request)

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(customer_reference__icontains=value))


class PoolFilter(_CarrierRouteMixin, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in selectors.POOL], empty_label="Any status"
    )
    priority = django_filters.ChoiceFilter(
        label="Customer priority",
        field_name="customer__priority",
        choices=PriorityTier.choices,
        empty_label="Any priority",
    )
    customer = LookupFilter(
        queryset=lambda request: selectors.customers(tenant=request.tenant),
        url_name="orders:customer_lookup",
    )
    carrier = django_filters.ChoiceFilter(choices=[], empty_label="Any carrier")
    route = django_filters.ChoiceFilter(choices=[], empty_label="Any route")
    promised_by = django_filters.DateFilter(
        label="Promised by", field_name="promised_date", lookup_expr="lte", widget=_date_widget()
    )
    backordered = django_filters.ChoiceFilter(
        label="Backorders",
        choices=[("yes", "With backorders"), ("no", "Fully allocated")],
        method="with_backorders",
        empty_label="Any",
    )

    class Meta:
        model = SalesOrder
        fields = ["status", "priority", "customer", "carrier", "route", "promised_by"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self._fill_carriers_and_routes(request)

    def with_backorders(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(short_lines__gt=0)
        return queryset.filter(short_lines=0)


class BackorderFilter(_CarrierRouteMixin, django_filters.FilterSet):
    item = django_filters.CharFilter(
        label="Item", method="search_item", widget=_search_widget("SKU or description")
    )
    customer = LookupFilter(
        label="Customer",
        field_name="order__customer",
        queryset=lambda request: selectors.customers(tenant=request.tenant),
        url_name="orders:customer_lookup",
    )
    priority = django_filters.ChoiceFilter(
        label="Customer priority",
        field_name="order__customer__priority",
        choices=PriorityTier.choices,
        empty_label="Any priority",
    )
    site = django_filters.ModelChoiceFilter(
        label="Ships from",
        field_name="order__site",
        queryset=lambda request: inventory_selectors.sites(tenant=request.tenant),
        empty_label="Any site",
    )
    carrier = django_filters.ChoiceFilter(
        label="Carrier", field_name="order__carrier", choices=[], empty_label="Any carrier"
    )
    route = django_filters.ChoiceFilter(
        label="Route", field_name="order__route", choices=[], empty_label="Any route"
    )
    bucket = django_filters.ChoiceFilter(
        label="Days past promise",
        choices=[(b.key, b.label) for b in selectors.BUCKETS],
        method="in_bucket",
        empty_label="Any age",
    )
    # The item filters of the report pages (reporting.scope), so their drill-downs land here
    # with the same lines.
    category = django_filters.ChoiceFilter(
        label="Category", choices=[], method="in_category", empty_label="Any category"
    )
    abc_class = django_filters.ChoiceFilter(
        label="ABC class", field_name="item__abc_class", choices=AbcClass.choices,
        empty_label="Any class",
    )  # fmt: skip

    class Meta:
        model = SalesOrderLine
        fields = ["item", "customer", "priority", "site", "carrier", "route", "bucket"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self._fill_carriers_and_routes(request)
        self.filters["category"].extra["choices"] = [
            (c or NO_CATEGORY, c or "(no category)")
            for c in inventory_selectors.item_categories(tenant=request.tenant)
        ]

    def in_category(self, queryset, name, value):
        return queryset.filter(item__category="" if value == NO_CATEGORY else value)

    def search_item(self, queryset, name, value):
        return queryset.filter(
            Q(item__sku__icontains=value) | Q(item__description__icontains=value)
        )

    def in_bucket(self, queryset, name, value):
        bucket = next(b for b in selectors.BUCKETS if b.key == value)
        return queryset.filter(selectors.bucket_condition(bucket, timezone.localdate()))
