from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.lookups import LookupChoiceField, LookupInput
from inventory import selectors as inventory_selectors
from inventory.models import Item
from purchasing import selectors, states
from purchasing.models import PurchaseOrder, Supplier, SupplierItem, currency_validator


class SupplierForm(forms.ModelForm):
    # Longer than the column so that "EURO" gets the helpful message, not a length error.
    currency = forms.CharField(max_length=10, initial="USD", help_text=_("ISO 4217, e.g. USD"))

    class Meta:
        model = Supplier
        fields = [
            "code",
            "name",
            "contact_name",
            "email",
            "phone",
            "address",
            "default_lead_time_days",
            "over_receipt_tolerance_pct",
            "currency",
            "is_active",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code or any(ch.isspace() for ch in code):
            raise forms.ValidationError(_("A code cannot be empty or contain spaces."))
        return code

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        currency_validator(currency)
        return currency


class SupplierItemEditForm(forms.ModelForm):
    """The terms of an item a supplier sells; the item itself stays (add another instead)."""

    class Meta:
        model = SupplierItem
        fields = [
            "supplier_sku",
            "pack_size",
            "minimum_order_quantity",
            "price",
            "lead_time_days",
            "preferred",
            "inspection_required",
        ]
        help_texts = {"preferred": _("Unmarks the item's other preferred supplier")}


class SupplierItemForm(SupplierItemEditForm):
    item = LookupChoiceField(
        Item.objects.none(),
        url_name="inventory:item_lookup",
        code_field="sku",
        help_text=_("Type the SKU or part of the description"),
        error_messages={"invalid_choice": _("No active item has the SKU %(value)s.")},
    )

    class Meta(SupplierItemEditForm.Meta):
        fields = ["item", *SupplierItemEditForm.Meta.fields]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(tenant=tenant, is_active=True)


class PriceBreakForm(forms.Form):
    min_quantity = forms.DecimalField(
        label=_("From quantity"),
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        help_text=_("In base units"),
    )
    price = forms.DecimalField(
        label=_("Price per base unit"), max_digits=18, decimal_places=6, min_value=0
    )

    def __init__(self, *args, **kwargs):
        # Shown beside the supplier item's own form, which also has a price field.
        kwargs.setdefault("auto_id", "break_%s")
        super().__init__(*args, **kwargs)


class OrderForm(forms.ModelForm):
    supplier = LookupChoiceField(
        Supplier.objects.none(),
        url_name="purchasing:supplier_lookup",
        label=_("Supplier"),
        help_text=_("Type the code or part of the name"),
        error_messages={"invalid_choice": _("No active supplier has the code %(value)s.")},
    )

    class Meta:
        model = PurchaseOrder
        fields = ["supplier", "site", "expected_date", "supplier_reference", "notes"]
        widgets = {
            "expected_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = selectors.suppliers(tenant=tenant).filter(is_active=True)
        self.fields["site"].queryset = inventory_selectors.sites(tenant=tenant).filter(
            is_active=True
        )


class OrderLineForm(forms.Form):
    item = forms.CharField(
        label=_("Item"),
        max_length=120,
        help_text=_("SKU or GTIN, or type part of the description"),
        widget=LookupInput("inventory:item_lookup"),
    )
    quantity = forms.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    unit = forms.CharField(
        max_length=20, required=False, help_text=_("Empty: the item's base unit")
    )
    unit_cost = forms.DecimalField(
        label=_("Cost per unit"),
        max_digits=18,
        decimal_places=6,
        min_value=0,
        required=False,
        help_text=_("Empty: the supplier's price"),
    )
    expected_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OrderActionForm(forms.Form):
    # The buttons the transitions table offers; the service checks role and status.
    action = forms.ChoiceField(
        choices=[(name, step.label) for name, step in states.TRANSITIONS.items() if step.label]
    )
