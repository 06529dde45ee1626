from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory import selectors
from inventory.errors import InvalidGtin
from inventory.gtin import normalize_gtin
from inventory.models import Bin, Item, ItemUnit, Site, Zone
from inventory.models.locations import LABEL_SEPARATOR
from inventory.services.items import rule_problems

TIME_ZONES = sorted(zoneinfo.available_timezones())


class SiteForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[(tz, tz) for tz in TIME_ZONES], initial="UTC")
    # Longer than the column so that "Germany" gets the helpful message, not a length error.
    country = forms.CharField(
        max_length=60, required=False, help_text=_("Two-letter ISO code, e.g. US")
    )

    class Meta:
        model = Site
        fields = [
            "code",
            "name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "time_zone",
            "is_active",
        ]

    def clean_code(self):
        return _clean_place_code(self.cleaned_data["code"])

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise forms.ValidationError(_("Use the two-letter ISO country code, e.g. US or DE."))
        return country


class ZoneForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ["site", "code", "name", "zone_type"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.sites(tenant=tenant)
        if self.instance.pk:
            # Moving a zone would silently move its bins to another site.
            self.fields["site"].disabled = True

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])


class BinForm(forms.ModelForm):
    class Meta:
        model = Bin
        fields = [
            "zone",
            "code",
            "bin_type",
            "walk_sequence",
            "capacity_volume",
            "capacity_weight",
            "capacity_units",
            "is_active",
        ]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = selectors.zones(tenant=tenant)
        if self.instance.pk:
            self.fields["zone"].queryset = selectors.zones(tenant=tenant).filter(
                site=self.instance.site_id
            )
            self.fields["zone"].help_text = _(
                "A bin stays in its site; choose among that site's zones."
            )

    def clean_code(self):
        return _clean_place_code(self.cleaned_data["code"])


def _clean_code(value: str) -> str:
    value = value.strip()
    if not value or any(ch.isspace() for ch in value):
        raise forms.ValidationError(_("A code cannot be empty or contain spaces."))
    return value


def _clean_place_code(value: str) -> str:
    """Site and bin codes: a bin label reads "SITE/BIN", so neither may hold a "/"."""
    value = _clean_code(value)
    if LABEL_SEPARATOR in value:
        raise forms.ValidationError(
            _("A site or bin code cannot contain '%(sep)s'."), params={"sep": LABEL_SEPARATOR}
        )
    return value


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "sku",
            "description",
            "category",
            "base_unit",
            "divisible",
            "tracking",
            "shelf_life_days",
            "expiry_required",
            "abc_class",
            "velocity_class",
            "hazardous",
            "costing_method",
            "standard_cost",
            "is_active",
        ]
        help_texts = {
            "tracking": _("Cannot change once the item has stock or lots."),
            "costing_method": _("Cannot change once the item has stock or lots."),
            "base_unit": _("Stock is counted in it (each, kg, m …); fixed once there is stock."),
        }

    def clean_sku(self):
        return _clean_code(self.cleaned_data["sku"])

    def clean_base_unit(self):
        return _clean_code(self.cleaned_data["base_unit"])

    def clean(self):
        cleaned = super().clean()
        problems = rule_problems(
            tracking=cleaned.get("tracking"),
            divisible=cleaned.get("divisible", False),
            expiry_required=cleaned.get("expiry_required", False),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


class ItemUnitForm(forms.ModelForm):
    class Meta:
        model = ItemUnit
        fields = ["code", "factor", "gtin", "length_cm", "width_cm", "height_cm", "weight_kg"]
        labels = {
            "length_cm": _("length (cm)"),
            "width_cm": _("width (cm)"),
            "height_cm": _("height (cm)"),
            "weight_kg": _("weight (kg)"),
        }
        help_texts = {"gtin": _("8, 12, 13 or 14 digits with a valid check digit; optional.")}

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])

    def clean_factor(self):
        factor = self.cleaned_data["factor"]
        if factor is not None and factor <= 0:
            raise forms.ValidationError(_("The factor must be more than 0."))
        return factor

    def clean_gtin(self):
        try:
            return normalize_gtin(self.cleaned_data["gtin"])
        except InvalidGtin as exc:
            raise forms.ValidationError(str(exc)) from exc


class LayerEntriesForm(forms.Form):
    as_of = forms.DateField(
        label=_("Entries posted by (end of day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD.")},
    )
