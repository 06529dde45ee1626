from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.numbers import plain
from erp.parsing import parse_id
from inventory import selectors as inventory_selectors
from inventory.models import Site
from orders import selectors as orders_selectors
from warehouse.models import Wave, WaveStatus
from warehouse.scanner import SCAN, STEP, ScannerForm, scanned_code


class KnownValueField(forms.ChoiceField):
    """One of a list of values in use (carriers, routes), matched regardless of case and
    cleaned to the spelling in use, so a link typed in lower case still filters."""

    def to_python(self, value):
        text = super().to_python(value).strip()
        known = {str(key).casefold(): key for key, _label in self.choices}
        return known.get(text.casefold(), text)


class WaveFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(
        label=_("Wave"),
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Wave number")}),
    )
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label=_("Any site"))
    status = django_filters.ChoiceFilter(choices=WaveStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = Wave
        fields = ["number", "site", "status"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["site"].queryset = Site.objects.filter(tenant=request.tenant).order_by("code")


class WaveForm(forms.Form):
    """The filters of a new wave; the same fields preview the orders it would take (GET).

    Zones are those of the chosen site; carriers and routes those the tenant's customers and
    open orders use, so a filter can only name something that exists.
    """

    site = forms.ModelChoiceField(label=_("Site"), queryset=None, empty_label=None)
    carrier = KnownValueField(label=_("Carrier"), required=False)
    route = KnownValueField(label=_("Route"), required=False)
    cutoff = forms.DateField(
        label=_("Ship-by cut-off"),
        required=False,
        help_text=_("Orders promised on or before this day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=None,
        required=False,
        empty_label=_("Any zone"),
        help_text=_("Only stock reserved in this zone is picked"),
    )
    orders_per_batch = forms.IntegerField(
        label=_("Orders per batch"), min_value=1, max_value=50, initial=4,
        help_text=_("One picker collects this many orders in one walk, one tote each"),
    )  # fmt: skip

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        sites = inventory_selectors.sites(tenant=tenant).filter(is_active=True)
        self.fields["site"].queryset = sites
        site = self.chosen_site(sites)
        zones = inventory_selectors.zones(tenant=tenant)
        self.fields["zone"].queryset = zones.filter(site=site) if site else zones.none()
        if site is not None:
            self.fields["zone"].error_messages["invalid_choice"] = _(
                "That zone is not at site %(site)s."
            ) % {"site": site.code}
        carriers, routes = orders_selectors.carriers_and_routes(tenant=tenant)
        self.fields["carrier"].choices = [("", _("Any carrier"))] + [(c, c) for c in carriers]
        self.fields["route"].choices = [("", _("Any route"))] + [(r, r) for r in routes]

    def chosen_site(self, sites):
        """The site the form is for: the one sent, else the initial one."""
        if self.is_bound:
            site = parse_id(self.data.get("site"))
            return sites.filter(pk=site).first() if site else None
        return self.initial.get("site")

    def clean(self):
        cleaned = super().clean()
        zone, site = cleaned.get("zone"), cleaned.get("site")
        if zone and site and zone.site_id != site.pk:
            self.add_error(
                "zone",
                _("Zone %(zone)s is not at site %(site)s.") % {"zone": zone, "site": site.code},
            )
        return cleaned


class PickStepForm(ScannerForm):
    """The scanner steps of a pick, outbound or transfer (see `warehouse.picking.steps`): the
    bin, the item, its lot or serial only when the pick is tracked, the quantity found."""

    bin = forms.CharField(
        label=_("Scan the bin"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    item = forms.CharField(
        label=_("Scan the item"),
        max_length=200,
        required=False,
        help_text=_("GTIN, GS1-128 label or SKU; not needed when the bin is empty"),
        widget=forms.TextInput(attrs=STEP),
    )
    lot = forms.CharField(
        label=_("Lot"), max_length=20, required=False,
        help_text=_("Only when the scan did not carry it"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    serial = forms.CharField(
        label=_("Serial"), max_length=40, required=False, widget=forms.TextInput(attrs=SCAN)
    )
    quantity = forms.DecimalField(
        label=_("Quantity found"),
        max_digits=14,
        decimal_places=4,
        min_value=Decimal(0),
        help_text=_("Less than asked is a short pick"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )

    def __init__(self, *args, item, quantity, lot: bool, serial: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Only tracked picks ask for a lot or serial.
        if not lot:
            del self.fields["lot"]
        if not serial:
            del self.fields["serial"]
        self.fields["quantity"].help_text = _(
            "In %(unit)s; less than %(quantity)s is a short pick"
        ) % {"unit": item.base_unit, "quantity": plain(quantity)}

    def clean_bin(self):
        return scanned_code(self.cleaned_data["bin"])


class PickForm(PickStepForm):
    def __init__(self, *args, task, **kwargs):
        super().__init__(
            *args, item=task.item, quantity=task.quantity, lot=bool(task.lot_id),
            serial=bool(task.serial_id), **kwargs,
        )  # fmt: skip
