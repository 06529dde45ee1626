from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from warehouse.scanner import SCAN, STEP, ScannerForm


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
