"""The audit trail's filters: who, when, which item, lot, serial or document.

Item, lot and serial are typed as they appear on a label (SKU, lot code, serial number) and
checked against the tenant's master data, so a typo says "No item with SKU ..." instead of
quietly showing an empty trail.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q

from inventory import selectors as inventory
from reporting.audit_view import TRANSACTIONS

FIRST_YEAR, LAST_YEAR = 1900, 2999  # a day beyond a range this wide is a typo, not an audit


def utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _search(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


def _date() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class AuditFilterForm(forms.Form):
    tenant = None  # set by AuditFilter before the form is cleaned

    def _day(self, name: str):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(f"Give a day between {FIRST_YEAR} and {LAST_YEAR}.")
        return day

    def clean_date_from(self):
        return self._day("date_from")

    def clean_date_to(self):
        return self._day("date_to")

    def clean_item(self):
        sku = (self.cleaned_data.get("item") or "").strip()
        if not sku:
            return None
        item = inventory.items(tenant=self.tenant).filter(sku__iexact=sku).first()
        if item is None:
            raise forms.ValidationError(f"No item with SKU “{sku}”.")
        return item

    def clean_lot(self):
        code = (self.cleaned_data.get("lot") or "").strip()
        if not code:
            return None
        lots = inventory.lots_coded(tenant=self.tenant, code=code)
        if not lots.exists():
            raise forms.ValidationError(f"No lot “{code}”.")
        return lots

    def clean_serial(self):
        number = (self.cleaned_data.get("serial") or "").strip()
        if not number:
            return None
        serials = inventory.serials_numbered(tenant=self.tenant, serial=number)
        if not serials.exists():
            raise forms.ValidationError(f"No serial number “{number}”.")
        return serials

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The range ends before it starts.")
        return data


class AuditFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(label="From", method="from_day", widget=_date())
    date_to = django_filters.DateFilter(label="To", method="to_day", widget=_date())
    user = django_filters.ModelChoiceFilter(
        label="User",
        field_name="user",
        queryset=lambda request: inventory.posting_users(tenant=request.tenant),
        empty_label="Anyone",
    )
    item = django_filters.CharFilter(
        label="Item", method="about_item", max_length=100, widget=_search("SKU")
    )
    lot = django_filters.CharFilter(
        label="Lot", method="about_lot", max_length=40, widget=_search("lot code")
    )
    serial = django_filters.CharFilter(
        label="Serial", method="about_serial", max_length=60, widget=_search("serial number")
    )
    document = django_filters.CharFilter(
        label="Document",
        field_name="document",
        lookup_expr="icontains",
        max_length=100,
        widget=_search("number or reference"),
    )
    show = django_filters.ChoiceFilter(
        label="Show",
        method="of_kind",
        choices=[("stock", "Stock transactions"), ("changes", "Changes")],
        empty_label="Everything",
    )

    class Meta:
        form = AuditFilterForm
        fields: list[str] = []

    @property
    def form(self):
        form = super().form
        form.tenant = self.request.tenant
        return form

    # Days are UTC days (the page says so), compared as instants so the time indexes serve them.
    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=utc_midnight(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(at__lt=utc_midnight(value + datetime.timedelta(days=1)))

    def _touching(self, queryset, own: Q, **entries):
        moved = inventory.transactions_touching(tenant=self.request.tenant, **entries)
        return queryset.filter(own | Q(source=TRANSACTIONS, object_id__in=moved))

    def about_item(self, queryset, name, value):
        if value is None:
            return queryset
        return self._touching(queryset, Q(item=value), item=value)

    def about_lot(self, queryset, name, value):
        if value is None:
            return queryset
        return self._touching(queryset, Q(lot__in=value), lots=value)

    def about_serial(self, queryset, name, value):
        if value is None:
            return queryset
        return self._touching(queryset, Q(serial__in=value), serials=value)

    def of_kind(self, queryset, name, value):
        if value == "stock":
            return queryset.filter(source=TRANSACTIONS)
        if value == "changes":
            return queryset.exclude(source=TRANSACTIONS)
        return queryset
