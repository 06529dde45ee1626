from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from warehouse.models import DiscrepancyKind, ReceivingSettings
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


class DiscrepancyFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *DiscrepancyKind.choices], required=False
    )


class ReceivingSettingsForm(forms.ModelForm):
    class Meta:
        model = ReceivingSettings
        fields = ["shelf_life_policy"]
