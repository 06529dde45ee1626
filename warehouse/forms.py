from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory import selectors as inventory_selectors
from warehouse.models import PutawayRule, ReceivingSettings
from warehouse.models.receiving import DiscrepancyKind

SCAN = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


class FindOrderForm(forms.Form):
    order = forms.CharField(
        label=_("Purchase order or ASN"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, **SCAN}),
    )


class ReceiveForm(forms.Form):
    scan = forms.CharField(
        label=_("Item"),
        max_length=200,
        help_text=_("Scan the GTIN or GS1-128 label, or type the SKU"),
        widget=forms.TextInput(attrs={"autofocus": True, **SCAN}),
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


class PutawayForm(forms.Form):
    bin = forms.CharField(
        label=_("Scan the bin"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, **SCAN}),
    )
    reason = forms.CharField(
        label=_("Reason, if not the suggested bin"), max_length=200, required=False
    )


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


class PutawayRuleForm(forms.ModelForm):
    hazardous = forms.NullBooleanField(
        required=False,
        widget=forms.Select(
            choices=[
                ("unknown", _("Either")),
                ("true", _("Hazardous only")),
                ("false", _("Not hazardous")),
            ]
        ),
    )

    class Meta:
        model = PutawayRule
        fields = [
            "priority",
            "name",
            "site",
            "category",
            "velocity_class",
            "hazardous",
            "unit",
            "target_zone",
            "target_bin_type",
            "is_active",
        ]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = inventory_selectors.sites(tenant=tenant)
        self.fields["target_zone"].queryset = inventory_selectors.zones(tenant=tenant)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("target_zone") and not cleaned.get("target_bin_type"):
            raise forms.ValidationError(_("Choose a target zone or a target bin type."))
        zone, site = cleaned.get("target_zone"), cleaned.get("site")
        if zone and site and zone.site_id != site.pk:
            raise forms.ValidationError(
                _("The target zone %(zone)s is not at site %(site)s."),
                params={"zone": zone, "site": site.code},
            )
        return cleaned


class ReceivingSettingsForm(forms.ModelForm):
    class Meta:
        model = ReceivingSettings
        fields = ["shelf_life_policy"]
