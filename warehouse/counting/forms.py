from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Site
from warehouse.models import Count, CountSettings, CountStatus
from warehouse.scanner import STEP, ScannerForm, scanned_code


class BinScanForm(ScannerForm):
    bin = forms.CharField(
        label=_("Scan the bin"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )

    def clean_bin(self):
        return scanned_code(self.cleaned_data["bin"])


class CountLineForm(ScannerForm):
    """One item found in the bin: scan it (a GS1 label carries its lot and serial), key how
    many. Fields the scan did not fill are asked for by the page."""

    item = forms.CharField(
        label=_("Scan an item"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)
    serial = forms.CharField(label=_("Serial"), max_length=60, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity counted"), required=False, min_value=0, max_digits=14, decimal_places=4,
        widget=forms.NumberInput(attrs={**STEP, "inputmode": "decimal", "step": "any"}),
    )  # fmt: skip


class RequestCountForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    bin = forms.CharField(label=_("Bin"), max_length=60)
    reason = forms.CharField(label=_("Why"), max_length=200)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(tenant=tenant, is_active=True)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CountFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CountStatus.choices, empty_label=_("Any status"))
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label=_("Any site"))

    class Meta:
        model = Count
        fields = ["status", "site"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = Site.objects.filter(tenant=request.tenant, is_active=True)


class CountSettingsForm(forms.ModelForm):
    class Meta:
        model = CountSettings
        fields = [
            "quantity_tolerance", "value_tolerance", "plan_enabled", "a_per_year", "b_per_year",
            "c_per_year",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        for name in ("quantity_tolerance", "value_tolerance"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("A tolerance cannot be negative."))
        for name in ("a_per_year", "b_per_year", "c_per_year"):
            value = cleaned.get(name)
            if value is not None and value > 365:
                self.add_error(name, _("At most once a day (365 a year)."))
        return cleaned
