from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from inventory.models import Site
from warehouse.models import Count, CountSettings, CountStatus
from warehouse.models.counting import RISK_DAYS, RISK_MULTIPLE
from warehouse.scanner import STEP, ScannerForm, scanned_code


class BinScanForm(ScannerForm):
    bin = forms.CharField(
        label=_("Scan the bin"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )

    def clean_bin(self):
        return scanned_code(self.cleaned_data["bin"])


EXPIRY_YEARS = (2000, 2099)


class CountLineForm(ScannerForm):
    """One item found in the bin: scan it (a GS1 label carries its lot and serial), key how
    many. Fields the scan did not fill are asked for by the page."""

    item = forms.CharField(
        label=_("Scan an item"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)
    expiry = forms.DateField(
        label=_("Expiry (new lot)"), required=False,
        help_text=_("Only for a lot not on file, when its label has no GS1 expiry"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the expiry as a date, e.g. 2031-12-31.")},
    )  # fmt: skip
    serial = forms.CharField(label=_("Serial"), max_length=60, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity counted"), required=False, min_value=0, max_digits=14, decimal_places=4,
        widget=forms.NumberInput(attrs={**STEP, "inputmode": "decimal", "step": "any"}),
    )  # fmt: skip

    def clean_expiry(self):
        expiry = self.cleaned_data["expiry"]
        # A mistyped year (0031, 3031) would register the lot with it for good.
        if expiry is not None and not EXPIRY_YEARS[0] <= expiry.year <= EXPIRY_YEARS[1]:
            raise forms.ValidationError(
                _("Enter an expiry between %(low)s and %(high)s.")
                % {"low": EXPIRY_YEARS[0], "high": EXPIRY_YEARS[1]}
            )
        return expiry


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


RISK_BOUNDS = {
    "variance_days": (RISK_DAYS, _("Between %(low)s and %(high)s days.")),
    "high_value_multiple": (RISK_MULTIPLE, _("Between %(low)s and %(high)s times the mean.")),
}


class CountSettingsForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model field's own bounds (0 to 32767) give way to the rule's, in its words.
        for name, ((low, high), message) in RISK_BOUNDS.items():
            field = self.fields[name]
            text = message % {"low": low, "high": high}
            field.validators = [
                MinValueValidator(low, message=text),
                MaxValueValidator(high, message=text),
            ]
            field.widget.attrs.update(min=low, max=high)

    class Meta:
        model = CountSettings
        fields = [
            "quantity_tolerance", "value_tolerance", "plan_enabled", "a_per_year", "b_per_year",
            "c_per_year", "variance_days", "high_value_multiple",
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
        bounds = {
            "variance_days": (RISK_DAYS, _("Between %(low)s and %(high)s days.")),
            "high_value_multiple": (
                RISK_MULTIPLE,
                _("Between %(low)s and %(high)s times the mean."),
            ),
        }
        for name, ((low, high), message) in bounds.items():
            value = cleaned.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, message % {"low": low, "high": high})
        return cleaned
