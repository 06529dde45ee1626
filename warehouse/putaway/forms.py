from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory import selectors as inventory_selectors
from warehouse.models import PutawayRule
from warehouse.scanner import STEP, ScannerForm, scanned_code


class PutawayForm(ScannerForm):
    bin = forms.CharField(
        label=_("Scan the bin"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    reason = forms.CharField(
        label=_("Reason, if not the suggested bin"), max_length=200, required=False
    )

    def clean_bin(self):
        return scanned_code(self.cleaned_data["bin"])


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
