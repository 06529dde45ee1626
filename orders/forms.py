from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.lookups import LookupChoiceField, LookupInput
from erp.parsing import parse_id
from inventory import selectors as inventory_selectors
from orders import selectors
from orders.models import Customer, SalesOrder, ShipTo


def _date_widget() -> forms.DateInput:
    # type=date inputs only accept ISO dates.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "priority",
            "min_shelf_life_days",
            "carrier",
            "route",
            "credit_hold",
            "email",
            "phone",
            "is_active",
        ]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code or any(ch.isspace() for ch in code):
            raise forms.ValidationError(_("A customer code cannot be empty or contain spaces."))
        return code


class ShipToForm(forms.ModelForm):
    # Longer than the column so that "USA" gets the helpful message, not a length error.
    country = forms.CharField(
        max_length=10, initial="US", help_text=_("Two-letter ISO 3166 code, e.g. US, CA, DE")
    )

    class Meta:
        model = ShipTo
        fields = [
            "name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "is_default",
        ]
        labels = {"is_default": _("Default ship-to for new orders")}

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError(
                _("'%(value)s' is not a two-letter country code such as US or DE."),
                params={"value": country},
            )
        return country


class ShipToChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ShipTo) -> str:
        return f"{obj.name}, {obj.city}{' (default)' if obj.is_default else ''}"


class OrderForm(forms.ModelForm):
    customer = LookupChoiceField(
        Customer.objects.none(),
        url_name="orders:customer_lookup",
        label=_("Customer"),
        help_text=_("Type the code or part of the name"),
        error_messages={"invalid_choice": _("No active customer has the code %(value)s.")},
    )
    ship_to = ShipToChoiceField(
        queryset=ShipTo.objects.none(),
        required=False,
        label=_("Ship to"),
        help_text=_("Empty: the customer's default address"),
    )

    class Meta:
        model = SalesOrder
        fields = ["customer", "ship_to", "site", "requested_date", "customer_reference", "notes"]
        labels = {"site": _("Ships from"), "customer_reference": _("Customer reference (PO)")}
        widgets = {"requested_date": _date_widget(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = selectors.customers(tenant=tenant).filter(is_active=True)
        self.fields["site"].queryset = inventory_selectors.sites(tenant=tenant).filter(
            is_active=True
        )
        # Any of the tenant's addresses validates (clean() then insists on the customer's
        # own, with a message saying so); the select offers only the chosen customer's.
        self.fields["ship_to"].queryset = selectors.ship_tos(tenant=tenant)
        customer = selectors.customer_by_code_or_id(
            tenant=tenant, value=self.data.get("customer") or self.initial.get("customer")
        )
        own = selectors.ship_tos(tenant=tenant).filter(customer=customer) if customer else []
        self.fields["ship_to"].widget.choices = [("", _("The customer's default address"))] + [
            (s.pk, self.fields["ship_to"].label_from_instance(s)) for s in own
        ]
        # Choosing a customer swaps in its addresses (htmx); without JavaScript the form
        # still validates the pair on submit. The address list listens, because the customer
        # input's own htmx request is its lookup.
        self.fields["ship_to"].widget.attrs.update(
            {
                "hx-get": reverse("orders:order_ship_tos"),
                "hx-trigger": "change from:#id_customer",
                "hx-include": "#id_customer",
                "hx-target": "this",
            }
        )

    def clean(self):
        data = super().clean()
        customer, ship_to = data.get("customer"), data.get("ship_to")
        if customer and ship_to and ship_to.customer_id != customer.pk:
            self.add_error(
                "ship_to", _("That address belongs to %(owner)s.") % {"owner": ship_to.customer}
            )
        return data


class OrderLineForm(forms.Form):
    item = forms.CharField(
        label=_("Item"),
        max_length=120,
        help_text=_("SKU or GTIN, or type part of the description"),
        widget=LookupInput("inventory:item_lookup"),
    )
    quantity = forms.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0.0001"))
    unit = forms.CharField(
        max_length=20, required=False, help_text=_("Empty: the item's base unit")
    )
    price = forms.DecimalField(
        label=_("Price per unit"),
        max_digits=18,
        decimal_places=6,
        min_value=0,
        required=False,
        help_text=_("Empty: the price this customer last paid for the item"),
    )
    requested_date = forms.DateField(
        required=False, widget=_date_widget(), help_text=_("Empty: the order's requested date")
    )


class LineCheckForm(OrderLineForm):
    """The line form as typed so far, for the ATP check: nothing is required yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


ACTIONS = [
    ("confirm", _("Confirm")),
    ("allocate", _("Allocate now")),
    ("release", _("Release to warehouse")),
    ("cancel", _("Cancel")),
    ("close", _("Close")),
]


class OrderActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(
        max_length=200, required=False, help_text=_("Why the order is cancelled")
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "cancel" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the order is cancelled."))
        return data


class ReleaseForm(forms.Form):
    orders = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the view looks each one up among the tenant's orders.
        self.fields["orders"].valid_value = lambda value: parse_id(value) is not None
