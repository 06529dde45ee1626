"""What a report covers: a period of days in the tenant's time zone and the filters every
measure page offers (site, customer, supplier, item category and ABC class).

`ScopeForm` reads them from the query string (GET: a report changes nothing) and always
yields a usable `Scope`: an invalid field is reported on the form and the default stands in
for it, so a junk filter shows its message beside the figures of the default period instead
of an error page. The period is bounded (`MAX_DAYS`) so one request cannot ask for a scan of
all history by accident.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from erp.lookups import LookupChoiceField
from inventory import selectors as inventory_selectors
from inventory.models import AbcClass
from orders import selectors as order_selectors
from purchasing import selectors as purchasing_selectors

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
NO_CATEGORY = "__none__"


@dataclass(frozen=True)
class Scope:
    tenant: object
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive
    site: object | None = None
    customer: object | None = None
    supplier: object | None = None
    category: str | None = None  # "" is items without a category; None is every category
    abc_class: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.tenant.time_zone)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start of the first day, start of the day after the last) in the tenant's zone."""
        start = datetime.datetime.combine(self.start, datetime.time(), self.zone)
        stop = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time(), self.zone
        )
        return start, stop

    @property
    def label(self) -> str:
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y} ({self.days} days)"

    def query(self, **overrides) -> str:
        """The scope as a query string, for links to the lists behind a figure."""
        params = {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}
        if self.site is not None:
            params["site"] = self.site.pk
        if self.customer is not None:
            params["customer"] = self.customer.code
        if self.supplier is not None:
            params["supplier"] = self.supplier.code
        if self.category is not None:
            params["category"] = self.category or NO_CATEGORY
        if self.abc_class:
            params["abc_class"] = self.abc_class
        params.update({k: v for k, v in overrides.items() if v is not None})
        return urlencode(params)


def today(tenant) -> datetime.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(tenant.time_zone)).date()


class ScopeForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site = forms.ModelChoiceField(queryset=None, required=False, empty_label="All sites")
    customer = LookupChoiceField(None, url_name="orders:customer_lookup", required=False)
    supplier = LookupChoiceField(None, url_name="purchasing:supplier_lookup", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    abc_class = forms.ChoiceField(
        label="ABC class", required=False, choices=[("", "Any class"), *AbcClass.choices]
    )

    # Pages drop the filters their measure cannot apply (a stock measure has no customer).
    def __init__(
        self,
        data,
        *,
        tenant,
        fields: tuple[str, ...] | None = None,
        default_days: int = DEFAULT_DAYS,
    ):
        super().__init__(data or None)
        self.tenant = tenant
        self.default_days = default_days
        self.fields["site"].queryset = inventory_selectors.sites(tenant=tenant)
        self.fields["customer"].queryset = order_selectors.customers(tenant=tenant)
        self.fields["supplier"].queryset = purchasing_selectors.suppliers(tenant=tenant)
        self.fields["category"].choices = [("", "All categories")] + [
            (c or NO_CATEGORY, c or "(no category)")
            for c in inventory_selectors.item_categories(tenant=tenant)
        ]
        if fields is not None:
            for name in list(self.fields):
                if name not in ("date_from", "date_to") and name not in fields:
                    del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and not end and start > today(self.tenant):
            self.add_error("date_from", "The period starts after today; give its end too.")
        elif start and end and start > end:
            self.add_error("date_to", "The end of the period is before its start.")
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error(
                "date_to", f"A report covers at most {MAX_DAYS} days; shorten the period."
            )
        return cleaned

    def scope(self) -> Scope:
        """The scope the valid fields give, defaults for the rest (see the module's note)."""
        valid = self.is_valid()
        data = self.cleaned_data if valid else {
            name: value for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }  # fmt: skip
        end = data.get("date_to") or today(self.tenant)
        start = data.get("date_from") or end - datetime.timedelta(days=self.default_days - 1)
        if not valid and ({"date_from", "date_to"} & set(self.errors)):
            end = today(self.tenant)
            start = end - datetime.timedelta(days=self.default_days - 1)
        category = data.get("category") or None
        return Scope(
            tenant=self.tenant,
            start=start,
            end=end,
            site=data.get("site"),
            customer=data.get("customer"),
            supplier=data.get("supplier"),
            category="" if category == NO_CATEGORY else category,
            abc_class=data.get("abc_class") or "",
        )
