"""Forms of the transfer pages: the supervisor's header, lines, filters and close; the
operator's pick and receive scans."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.numbers import plain
from inventory.models import Item, Lot, Site
from warehouse.models import TransferOrder, TransferStatus
from warehouse.picking.forms import PickStepForm
from warehouse.scanner import SCAN, STEP, ScannerForm, scanned_code
from warehouse.transfers.services import WRITE_OFF

QUANTITY = {"inputmode": "decimal", "step": "any"}


class TransferForm(forms.Form):
    from_site = forms.ModelChoiceField(label=_("From site"), queryset=Site.objects.none())
    to_site = forms.ModelChoiceField(label=_("To site"), queryset=Site.objects.none())
    expected_date = forms.DateField(
        label=_("Expected arrival"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(tenant=tenant, is_active=True).order_by("code")
        self.fields["from_site"].queryset = sites
        self.fields["to_site"].queryset = sites

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_site") and cleaned.get("from_site") == cleaned.get("to_site"):
            self.add_error("to_site", _("Choose a site other than the one it leaves."))
        return cleaned


class LineForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=4, min_value=Decimal("0.0001"),
        widget=forms.NumberInput(attrs=QUANTITY),
    )  # fmt: skip
    unit = forms.CharField(
        label=_("Unit"), max_length=20, required=False, help_text=_("Empty: the base unit")
    )
    lot = forms.ModelChoiceField(
        label=_("Lot"), queryset=Lot.objects.none(), required=False,
        help_text=_("Empty: any lot, earliest expiry first"),
    )  # fmt: skip

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(tenant=tenant, is_active=True)
        self.fields["lot"].queryset = Lot.objects.filter(tenant=tenant).select_related("item")


class CloseForm(forms.Form):
    # A closed transfer receives nothing more: what is still in transit is written off, or
    # the transfer is left open until it arrives.
    missing = forms.ChoiceField(
        label=_("Missing quantity"), required=False,
        choices=[("", _("Nothing is missing")), (WRITE_OFF, _("Write it off as a loss"))],
    )  # fmt: skip
    reason = forms.CharField(label=_("Why"), max_length=100, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=100, required=False)


class TransferFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("Number"))
    status = django_filters.ChoiceFilter(
        choices=TransferStatus.choices, empty_label=_("Any status")
    )
    from_site = django_filters.ModelChoiceFilter(
        queryset=Site.objects.none(), empty_label=_("Any source")
    )
    to_site = django_filters.ModelChoiceFilter(
        queryset=Site.objects.none(), empty_label=_("Any destination")
    )

    class Meta:
        model = TransferOrder
        fields = ["number", "status", "from_site", "to_site"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(tenant=request.tenant).order_by("code")
        self.filters["from_site"].queryset = sites
        self.filters["to_site"].queryset = sites


class _ScanForm(ScannerForm):
    bin = forms.CharField(
        label=_("Scan the bin"), max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )  # fmt: skip
    item = forms.CharField(
        label=_("Scan the item"), max_length=200, help_text=_("GTIN, GS1-128 label or SKU"),
        widget=forms.TextInput(attrs=STEP),
    )  # fmt: skip
    lot = forms.CharField(
        label=_("Lot"), max_length=20, required=False,
        help_text=_("Only when the scan did not carry it"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    serial = forms.CharField(
        label=_("Serial"), max_length=40, required=False,
        help_text=_("Serial-tracked items: one unit per scan"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=4, min_value=Decimal("0.0001"),
        widget=forms.NumberInput(attrs=QUANTITY),
    )  # fmt: skip

    def clean_bin(self):
        return scanned_code(self.cleaned_data["bin"])


class PickScanForm(PickStepForm):
    """The outbound pick's scanner steps for the transfer's next pick. Ticking `short` says
    the bin holds no more than the quantity found (0 allowed): the rest is not shipped and
    the bin is held for a count."""

    field_order = ["bin", "item", "lot", "serial", "quantity", "short"]
    short = forms.BooleanField(
        label=_("The bin holds no more (short pick)"), required=False,
        help_text=_("The quantity is then what was found; the rest is not shipped"),
    )  # fmt: skip

    def __init__(self, *args, pick, **kwargs):
        super().__init__(
            *args, item=pick.line.item, quantity=pick.remaining, lot=bool(pick.lot_id),
            serial=bool(pick.serial_id), **kwargs,
        )  # fmt: skip
        # A transfer may be picked in parts: less than asked is short only with the box ticked.
        self.fields["quantity"].help_text = _("In %(unit)s; %(quantity)s left to pick here") % {
            "unit": pick.line.item.base_unit,
            "quantity": plain(pick.remaining),
        }


class ReceiveScanForm(_ScanForm):
    """The dock bin last: items are scanned off the truck, then put down at the dock."""

    field_order = ["item", "lot", "serial", "quantity", "bin", "key"]
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bin"].label = _("Scan the dock bin")
        self.fields["bin"].widget.attrs.pop("autofocus", None)
        self.fields["item"].widget.attrs["autofocus"] = True
        # Item, quantity, dock: Enter steps through them and submits after the dock.
        self.fields["quantity"].widget.attrs["data-scan"] = "step"
