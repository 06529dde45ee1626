from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.numbers import plain
from warehouse.models import ShippingSettings
from warehouse.scanner import SCAN, STEP, ScannerForm

# Outbound ------------------------------------------------------------------------------


class FindOutboundOrderForm(ScannerForm):
    order = forms.CharField(
        label=_("Sales order"),
        max_length=60,
        help_text=_("Order number, customer reference or a carton's SSCC"),
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )


class PackForm(ScannerForm):
    item = forms.CharField(
        label=_("Scan the item"),
        max_length=200,
        help_text=_("GTIN, GS1-128 label or SKU"),
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        required=False,
        help_text=_("Empty: the label's count, else one of the scanned unit"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    lot = forms.CharField(
        label=_("Lot"), max_length=20, required=False,
        help_text=_("Only when several lots were picked"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    serial = forms.CharField(
        label=_("Serial"), max_length=40, required=False, widget=forms.TextInput(attrs=SCAN)
    )
    carton = forms.ChoiceField(label=_("Into carton"), choices=[])

    def __init__(self, *args, cartons, tracking: set[str] = frozenset(("lot", "serial")), **kwargs):
        super().__init__(*args, **kwargs)
        # Lot and serial are asked only when the order has picked items tracked that way.
        if "lot" not in tracking:
            del self.fields["lot"]
        if "serial" not in tracking:
            del self.fields["serial"]
        open_cartons = [c for c in cartons if not c.closed]
        numbers = {c.pk: n for n, c in enumerate(cartons, start=1)}
        self.fields["carton"].choices = [
            *[(str(c.pk), _("Carton %(n)s (open)") % {"n": numbers[c.pk]}) for c in reversed(open_cartons)],
            ("new", _("A new carton (%(n)s)") % {"n": len(cartons) + 1}),
        ]  # fmt: skip
        self.open_cartons = {str(c.pk): c for c in open_cartons}

    def clean_carton(self):
        value = self.cleaned_data["carton"]
        return None if value == "new" else self.open_cartons[value]


class CloseCartonForm(forms.Form):
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), max_digits=10, decimal_places=3, min_value=Decimal("0.001"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    length_cm = forms.DecimalField(
        label=_("Length (cm)"), max_digits=8, decimal_places=1, min_value=Decimal("0.1"),
        required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    width_cm = forms.DecimalField(
        label=_("Width (cm)"), max_digits=8, decimal_places=1, min_value=Decimal("0.1"),
        required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    height_cm = forms.DecimalField(
        label=_("Height (cm)"), max_digits=8, decimal_places=1, min_value=Decimal("0.1"),
        required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        sizes = [cleaned.get(f) for f in ("length_cm", "width_cm", "height_cm")]
        if any(s is not None for s in sizes) and None in sizes:
            raise forms.ValidationError(_("Give all three dimensions, or none."))
        return cleaned


class ShipmentForm(forms.Form):
    cartons = forms.MultipleChoiceField(
        label=_("Cartons"), widget=forms.CheckboxSelectMultiple, choices=[]
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=60)
    service = forms.CharField(
        label=_("Service"), max_length=60, required=False, help_text=_("e.g. Ground, Express")
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"), max_length=60, required=False,
        widget=forms.TextInput(attrs=STEP),
    )  # fmt: skip

    def __init__(self, *args, cartons, **kwargs):
        super().__init__(*args, **kwargs)
        self.ready = {str(c.pk): c for c in cartons}
        self.fields["cartons"].choices = [
            (str(c.pk), f"{c.sscc} · {plain(c.weight_kg) if c.weight_kg is not None else '?'} kg")
            for c in cartons
        ]

    def clean_cartons(self):
        return [self.ready[pk] for pk in self.cleaned_data["cartons"]]


class ShippingSettingsForm(forms.ModelForm):
    extension_digit = forms.IntegerField(
        label=_("Extension digit"), min_value=0, max_value=9, initial=0,
        help_text=_("First digit of every SSCC, 0-9 (e.g. to tell cartons from pallets)"),
    )  # fmt: skip

    class Meta:
        model = ShippingSettings
        fields = ["gs1_company_prefix", "extension_digit", "next_serial", "ship_from_name"]
        help_texts = {
            "gs1_company_prefix": _("7 to 10 digits, from your GS1 member organisation"),
            "ship_from_name": _("Printed as the sender on labels and documents; empty: the organisation's name"),
        }  # fmt: skip
