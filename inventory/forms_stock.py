"""Forms of the stock-changing pages: adjustments, the operator's move scanner, settings."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.lookups import LookupInput
from inventory import selectors
from inventory.models import InventorySettings, ReasonCode, StockStatus


class ScanSteps:
    """A scanner ends every scan with Enter, which submits the form. A submission that only
    lacks fields not scanned yet is the next step, not a mistake: `awaiting()` names the
    first of them (None when the form is complete or wrong elsewhere), and `next_step()`
    gives the form to show for it, without errors and focused there."""

    def _blank(self) -> list[str]:
        """Required fields left empty whose only complaint is being empty."""
        errors = self.errors.as_data()
        return [
            name
            for name, field in self.fields.items()
            if field.required
            and not field.widget.is_hidden
            and not str(self.data.get(self.add_prefix(name), "")).strip()
            and all(e.code == "required" for e in errors.get(name, []))
        ]

    def awaiting(self) -> str | None:
        if not self.is_bound:
            return None
        blank = self._blank()
        if not blank or self.non_field_errors() or set(self.errors) - set(blank):
            return None
        return blank[0]

    # Scanner pages clear a refused field so the next scan replaces it instead of being
    # appended to it; desk forms keep what was typed, to correct it.
    clear_refused = False

    def refused(self) -> None:
        """Keep only the errors of what was scanned (blank fields are steps still to come),
        and put the focus on the first refused field."""
        for name in self._blank():
            self.errors.pop(name, None)
        failed = [name for name in self.fields if name in self.errors]
        if not failed:
            return
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[failed[0]].widget.attrs["autofocus"] = True
        if self.clear_refused and failed[0] != "site":
            self.data = self.data.copy()
            self.data[self.add_prefix(failed[0])] = ""

    def next_step(self, **kwargs):
        """An unbound copy holding what was scanned so far, focused on `awaiting()`."""
        step = self.awaiting()
        form = type(self)(initial=self.data.dict(), **kwargs)
        for field in form.fields.values():
            field.widget.attrs.pop("autofocus", None)
        form.fields[step].widget.attrs["autofocus"] = True
        return form


class SiteChoice:
    """A form whose `site` field narrows to the sites that hold a typed bin code."""

    def offer_sites(self, sites) -> None:
        field = self.fields["site"]
        field.required = True
        field.empty_label = None
        field.widget = forms.RadioSelect()
        field.queryset = field.queryset.filter(pk__in=[site.pk for site in sites])
        field.help_text = _("This bin code exists at each of these sites.")


class AdjustmentForm(ScanSteps, SiteChoice, forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=None,
        required=False,
        empty_label=_("Any (the bin code decides)"),
        help_text=_("Where the bin is; a bin label names its site itself"),
    )
    bin = forms.CharField(
        label=_("Bin"),
        max_length=61,
        help_text=_("Bin code (scan or type)"),
        # The lookup narrows to the form's site field.
        widget=LookupInput(
            "inventory:bin_lookup", include="[name='site']", attrs={"autofocus": True}
        ),
    )
    item = forms.CharField(
        label=_("Item"),
        max_length=120,
        help_text=_("SKU, GTIN or GS1 barcode"),
        widget=LookupInput("inventory:item_lookup"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=4,
        help_text=_(
            "+ adds stock, - removes it; in the unit of the scanned GTIN, else the base unit"
        ),
    )
    status = forms.ChoiceField(choices=StockStatus.choices, initial=StockStatus.AVAILABLE)
    lot = forms.CharField(label=_("Lot"), max_length=20, required=False)
    expiry = forms.DateField(
        label=_("Expiry (new lot)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    serial = forms.CharField(label=_("Serial"), max_length=40, required=False)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=ReasonCode.choices)
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.active_sites(tenant=tenant)

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Give a quantity other than zero."))
        return quantity


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(max_length=200, required=False)


class MoveForm(ScanSteps, SiteChoice, forms.Form):
    # Hidden: the move happens at the current site, or at the site a label names. Shown
    # only to choose among the sites holding a typed code when no current site decides.
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=None, required=False, widget=forms.HiddenInput
    )
    source = forms.CharField(
        label=_("From bin"),
        max_length=61,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}
        ),
    )
    item = forms.CharField(
        label=_("Item"),
        max_length=120,
        help_text=_("Scan the item or type its SKU"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    lot = forms.CharField(
        label=_("Lot"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    serial = forms.CharField(
        label=_("Serial"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.0001"),
        max_digits=14,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    destination = forms.CharField(
        label=_("To bin"), max_length=61, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    clear_refused = True

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.active_sites(tenant=tenant)


class SwitchSiteForm(forms.Form):
    site = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False, max_length=2000)


class DefaultSiteForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Default site"),
        queryset=None,
        required=False,
        empty_label=_("None (the member chooses in the top bar)"),
        help_text=_("Where this member's scanner pages and stock forms start"),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.active_sites(tenant=tenant)


class InventorySettingsForm(forms.ModelForm):
    class Meta:
        model = InventorySettings
        fields = ["adjustment_approval_threshold", "carrying_cost_rate"]
