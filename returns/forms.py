"""Forms of the returns pages: the desk's RMA and lines, the scanner's receipt, inspection
and disposition, credit decisions, filters and settings."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.lookups import LookupChoiceField, LookupFilter
from orders.models import Customer
from purchasing.models import Supplier
from returns import selectors
from returns.models import (
    Disposition,
    DispositionRule,
    Grade,
    Reason,
    ReturnAuthorisation,
    ReturnPolicy,
    ReturnSettings,
    RmaStatus,
    SupplierReturn,
)
from warehouse.scanner import SCAN, STEP, ScannerForm, scanned_code

QUANTITY = {"inputmode": "decimal", "step": "any"}


def _quantity() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=4, min_value=Decimal("0.0001"),
        widget=forms.NumberInput(attrs=QUANTITY),
    )  # fmt: skip


class RmaForm(forms.Form):
    # Typed or searched, not a select: a tenant with years of history has 10^5 shipped orders.
    order = LookupChoiceField(
        None,
        url_name="returns:shipped_order_lookup",
        code_field="number",
        label=_("Shipped order"),
        help_text=_("Type the order number, or the customer's code or name, and pick the order"),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = selectors.shipped_orders(tenant=tenant)


class LineForm(forms.Form):
    order_line = forms.ModelChoiceField(label=_("Order line"), queryset=None)
    quantity = _quantity()
    lot_code = forms.CharField(label=_("Lot"), max_length=20, required=False)
    serial_code = forms.CharField(label=_("Serial"), max_length=60, required=False)

    def __init__(self, *args, tenant, rma: ReturnAuthorisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_line"].queryset = selectors.shipped_lines(tenant=tenant, order=rma.order)
        self.fields["order_line"].label_from_instance = lambda line: (
            f"{line.line_no}: {line.item.sku} {line.item.description} (shipped {line.shipped_base:g})"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=100, required=False)


class RmaFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("Number"))
    status = django_filters.ChoiceFilter(choices=RmaStatus.choices, empty_label=_("Any status"))
    customer = LookupFilter(queryset=Customer.objects.none(), url_name="orders:customer_lookup")
    reason = django_filters.ChoiceFilter(choices=Reason.choices, empty_label=_("Any reason"))

    class Meta:
        model = ReturnAuthorisation
        fields = ["number", "status", "customer", "reason"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["customer"].queryset = Customer.objects.filter(tenant=request.tenant).order_by(
            "code"
        )


class ShippedReturnFilter(django_filters.FilterSet):
    """The shipped supplier returns' filters: the supplier, the item, and the days (in the
    organisation's time zone) they were shipped between."""

    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.none(), empty_label=_("Any supplier")
    )
    item = django_filters.CharFilter(
        label=_("Item"),
        field_name="item__sku",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("SKU")}),
    )
    shipped_from = django_filters.DateFilter(
        label=_("Shipped from"),
        field_name="shipped_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    shipped_to = django_filters.DateFilter(
        label=_("to"),
        field_name="shipped_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    class Meta:
        model = SupplierReturn
        fields = ["supplier", "item", "shipped_from", "shipped_to"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["supplier"].queryset = Supplier.objects.filter(tenant=request.tenant).order_by(
            "code"
        )


class FindRmaForm(ScannerForm):
    rma = forms.CharField(
        label=_("Scan the RMA"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )

    def clean_rma(self):
        return scanned_code(self.cleaned_data["rma"])


class ReceiveForm(ScannerForm):
    """Item, then lot or serial when the scan did not carry them, then the quantity."""

    item = forms.CharField(
        label=_("Scan the item"), max_length=200, help_text=_("GTIN, GS1-128 label or SKU"),
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )  # fmt: skip
    lot = forms.CharField(
        label=_("Lot"), max_length=20, required=False,
        help_text=_("Only when the scan did not carry it"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    serial = forms.CharField(
        label=_("Serial"), max_length=60, required=False,
        help_text=_("Only when the scan did not carry it"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=4, min_value=Decimal("0.0001"),
        widget=forms.NumberInput(attrs={**QUANTITY, "data-scan": "step"}),
    )  # fmt: skip
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class InspectForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Line"), queryset=None)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    quantity = _quantity()
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = lambda line: (
            f"{line.item.sku}"
            + (f" lot {line.lot.code}" if line.lot_id else "")
            + (f" serial {line.serial.serial}" if line.serial_id else "")
            + f" ({line.received:g} received)"
        )


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices)
    reason = forms.CharField(
        label=_("Why (when not the proposed one)"), max_length=200, required=False
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReturnSettings
        fields = [
            "window_days",
            "restocking_fee_pct",
            "opened_accepted",
            "credit_approval_threshold",
        ]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ReturnPolicy
        fields = ["customer", "window_days", "restocking_fee_pct", "opened_accepted"]

    # Typed or looked up by code: a select of every customer is too long to render.
    customer = LookupChoiceField(
        Customer.objects.none(), url_name="orders:customer_lookup", label=_("Customer")
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(
            tenant=tenant, is_active=True
        ).order_by("code")


class RuleForm(forms.ModelForm):
    class Meta:
        model = DispositionRule
        fields = ["grade", "reason", "disposition", "creditable"]


class SuppliersForm(forms.Form):
    suppliers = forms.ModelMultipleChoiceField(
        label=_("Suppliers that take returns"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].queryset = Supplier.objects.filter(
            tenant=tenant, is_active=True
        ).order_by("code")
