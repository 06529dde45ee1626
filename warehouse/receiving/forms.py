from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Site
from purchasing.models import OrderStatus, PurchaseOrder, Supplier
from warehouse.models import Discrepancy, DiscrepancyKind, DiscrepancyState, ReceivingSettings
from warehouse.receiving.selectors import RECEIVING_STATUSES
from warehouse.scanner import SCAN, STEP, ScannerForm, scanned_code


class FindOrderForm(ScannerForm):
    order = forms.CharField(
        label=_("Purchase order or ASN"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )

    def clean_order(self):
        return scanned_code(self.cleaned_data["order"])


class ReceiveForm(ScannerForm):
    scan = forms.CharField(
        label=_("Item"),
        max_length=200,
        help_text=_("Scan the GTIN or GS1-128 label, or type the SKU"),
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=4,
        required=False,
        help_text=_("Empty: the count on a GS1 label"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=20,
        required=False,
        help_text=_("Empty: the scanned GTIN's unit, else the base unit"),
        widget=forms.TextInput(attrs=SCAN),
    )
    lot = forms.CharField(
        label=_("Lot"), max_length=20, required=False, widget=forms.TextInput(attrs=SCAN)
    )
    expiry = forms.DateField(
        label=_("Expiry"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    serial = forms.CharField(
        label=_("Serial"), max_length=40, required=False, widget=forms.TextInput(attrs=SCAN)
    )
    damaged = forms.DecimalField(
        label=_("Of which damaged"),
        max_digits=14,
        decimal_places=4,
        required=False,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    dock = forms.ModelChoiceField(label=_("Dock bin"), queryset=None, empty_label=None)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, docks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dock"].queryset = docks
        self.fields["dock"].label_from_instance = lambda location: location.bin.code


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    resolution = forms.CharField(label=_("Note"), max_length=300, required=False)


class ShortCloseForm(forms.Form):
    reason = forms.CharField(label=_("Why the rest will not come"), max_length=200)


class InspectForm(forms.Form):
    quantity = forms.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0.0001"))
    decision = forms.ChoiceField(
        choices=[
            ("release", _("Release to available")),
            ("quarantine", _("Reject to quarantine")),
            ("damaged", _("Reject as damaged")),
        ]
    )
    note = forms.CharField(max_length=200, required=False)


class InboundFilter(django_filters.FilterSet):
    """The inbound orders' filters: the order's number or the supplier's reference (ASN), its
    supplier, site and status, and whether it is late (expected before today, not received)."""

    number = django_filters.CharFilter(
        label=_("Order or ASN"),
        method="by_number",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("PO number or ASN")}),
    )
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.none(), empty_label=_("Any supplier")
    )
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label=_("Any site"))
    status = django_filters.ChoiceFilter(choices=[], empty_label=_("Any status"))
    late = django_filters.BooleanFilter(label=_("Late"), method="by_lateness")

    class Meta:
        model = PurchaseOrder
        fields = ["number", "supplier", "site", "status", "late"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        tenant = request.tenant
        self.filters["supplier"].queryset = Supplier.objects.filter(tenant=tenant)
        self.filters["site"].queryset = Site.objects.filter(tenant=tenant)
        self.filters["status"].extra["choices"] = [
            (status.value, status.label) for status in OrderStatus if status in RECEIVING_STATUSES
        ]

    def by_number(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(supplier_reference__icontains=value))

    def by_lateness(self, queryset, name, value):
        late = Q(expected_date__lt=timezone.localdate()) & ~Q(status=OrderStatus.RECEIVED)
        return queryset.filter(late if value else ~late)


# The discrepancy list's "State" choices: what each shows. The first is the list's default.
STATES = {
    "open": (_("Open"), [DiscrepancyState.OPEN]),
    "accepted": (_("Accepted"), [DiscrepancyState.ACCEPTED]),
    "rejected": (_("Rejected"), [DiscrepancyState.REJECTED]),
    "all": (_("All"), list(DiscrepancyState)),
}
DEFAULT_STATE = "open"


class DiscrepancyFilter(django_filters.FilterSet):
    """The discrepancy list's filters. `state` is applied by the view (`state_of`), since an
    unfiltered list shows the open ones; it has no empty choice, so the first option is that
    default."""

    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(key, label) for key, (label, _states) in STATES.items()],
        empty_label=None,
        method="keep",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DiscrepancyKind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = Discrepancy
        fields = ["state", "kind"]

    def keep(self, queryset, name, value):
        return queryset


def state_of(params) -> str:
    """The list's "State" choice in `params`: the default when absent or not one of `STATES`
    (the filter form then says what is wrong)."""
    state = params.get("state") or DEFAULT_STATE
    return state if state in STATES else DEFAULT_STATE


class ReceivingSettingsForm(forms.ModelForm):
    class Meta:
        model = ReceivingSettings
        fields = ["shelf_life_policy"]
