from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.numbers import plain
from warehouse.models import ShippingSettings
from warehouse.scanner import STEP


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
