"""Forms of the stock-changing pages: adjustments, the operator's move scanner, settings."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.lookups import LookupInput
from inventory.models import InventorySettings, ReasonCode, StockStatus


class AdjustmentForm(forms.Form):
    # The bin lookup narrows to the form's site field when the form has one.
    bin = forms.CharField(
        label=_("Bin"),
        max_length=40,
        help_text=_("Bin code (scan or type)"),
        widget=LookupInput("inventory:bin_lookup", include="[name='site']"),
    )
    item = forms.CharField(
        label=_("Item"),
        max_length=120,
        help_text=_("SKU, GTIN or GS1 barcode"),
        widget=LookupInput("inventory:item_lookup"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=4,
        help_text=_(
            "+ adds stock, - removes it; in the unit of the scanned GTIN, else the base unit"
        ),
    )
    status = forms.ChoiceField(choices=StockStatus.choices, initial=StockStatus.AVAILABLE)
    lot = forms.CharField(label=_("Lot"), max_length=20, required=False)
    expiry = forms.DateField(
        label=_("Expiry (new lot)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    serial = forms.CharField(label=_("Serial"), max_length=40, required=False)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=ReasonCode.choices)
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Give a quantity other than zero."))
        return quantity


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(max_length=200, required=False)


class MoveForm(forms.Form):
    source = forms.CharField(
        label=_("From bin"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}
        ),
    )
    item = forms.CharField(
        label=_("Item"),
        max_length=120,
        help_text=_("Scan the item or type its SKU"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    lot = forms.CharField(
        label=_("Lot"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    serial = forms.CharField(
        label=_("Serial"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.0001"),
        max_digits=14,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    destination = forms.CharField(
        label=_("To bin"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class InventorySettingsForm(forms.ModelForm):
    class Meta:
        model = InventorySettings
        fields = ["adjustment_approval_threshold"]
