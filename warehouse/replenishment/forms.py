from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.numbers import plain
from warehouse.scanner import SCAN, STEP, ScannerForm, scanned_code


class ReplenishForm(ScannerForm):
    """Source bin, item (with its lot), quantity taken, destination face: scanned in the
    order walked."""

    source = forms.CharField(
        label=_("Scan the reserve bin"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )
    item = forms.CharField(
        label=_("Scan the item"), max_length=200, required=False,
        help_text=_("GTIN, GS1-128 label or SKU; not needed when the bin is empty"),
        widget=forms.TextInput(attrs=STEP),
    )  # fmt: skip
    lot = forms.CharField(
        label=_("Lot"), max_length=20, required=False,
        help_text=_("Only when the scan did not carry it"), widget=forms.TextInput(attrs=SCAN),
    )  # fmt: skip
    quantity = forms.DecimalField(
        label=_("Quantity taken"), max_digits=14, decimal_places=4, min_value=Decimal(0),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", **STEP}),
    )  # fmt: skip
    destination = forms.CharField(
        label=_("Scan the pick face"), max_length=40, required=False,
        widget=forms.TextInput(attrs=STEP),
    )  # fmt: skip

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        if not task.lot_id:
            del self.fields["lot"]
        self.fields["quantity"].help_text = _(
            "In %(unit)s; less than %(quantity)s is a short replenishment"
        ) % {"unit": task.item.base_unit, "quantity": plain(task.quantity)}

    def clean_source(self):
        return scanned_code(self.cleaned_data["source"])

    def clean_destination(self):
        return scanned_code(self.cleaned_data["destination"])


class PickFaceForm(forms.Form):
    """A face's min/max: the bin by site and code, the item by SKU (a tenant has thousands of
    each, too many for a list)."""

    site = forms.ModelChoiceField(queryset=None)
    bin = forms.CharField(label=_("Pick face bin"), max_length=40)
    item = forms.CharField(label=_("Item SKU"), max_length=60)
    min_quantity = forms.DecimalField(
        label=_("Min"), max_digits=14, decimal_places=4, min_value=Decimal(0),
        help_text=_("In the item's base unit: at or below it, the face is replenished"),
    )  # fmt: skip
    max_quantity = forms.DecimalField(
        label=_("Max"), max_digits=14, decimal_places=4, min_value=Decimal(0),
        help_text=_("In the item's base unit: replenished up to it"),
    )  # fmt: skip
    unit = forms.CharField(
        label=_("Replenishment unit"), max_length=20,
        help_text=_("The item's base unit or one of its units (case, pallet): moves round up to it"),
    )  # fmt: skip

    def __init__(self, *args, tenant, face=None, **kwargs):
        from inventory import selectors as inventory_selectors

        if face is not None:
            kwargs.setdefault(
                "initial",
                {
                    "site": face.bin.site_id, "bin": face.bin.code, "item": face.item.sku,
                    "min_quantity": plain(face.min_quantity),
                    "max_quantity": plain(face.max_quantity), "unit": face.unit,
                },
            )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["site"].queryset = inventory_selectors.sites(tenant=tenant)

    def clean(self):
        from inventory.models import Bin, Item

        cleaned = super().clean()
        site, code, sku = cleaned.get("site"), cleaned.get("bin"), cleaned.get("item")
        if site is not None and code:
            found = Bin.objects.filter(tenant=self.tenant, site=site, code__iexact=code).first()
            if found is None:
                self.add_error(
                    "bin", _("No bin %(code)s at %(site)s.") % {"code": code, "site": site.code}
                )
            cleaned["bin_obj"] = found
        if sku:
            item = Item.objects.filter(tenant=self.tenant, sku__iexact=sku).first()
            if item is None:
                self.add_error("item", _("No item with SKU %(sku)s.") % {"sku": sku})
            cleaned["item_obj"] = item
        return cleaned
