from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from purchasing.models import PurchasingSettings, ServiceLevelChoice
from purchasing.planning.levels import SEGMENTS


class QuantityForm(forms.Form):
    quantity = forms.DecimalField(
        min_value=0.0001, max_digits=17, decimal_places=4, label=_("Quantity")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"))


class ServiceLevelsForm(forms.Form):
    """One choice per ABC/XYZ segment, named like "AX"."""

    def __init__(self, *args, levels: dict[tuple[str, str], str], **kwargs):
        super().__init__(*args, **kwargs)
        for abc, xyz in SEGMENTS:
            self.fields[abc + xyz] = forms.ChoiceField(
                label=abc + xyz, choices=ServiceLevelChoice.choices, initial=levels[(abc, xyz)]
            )

    def table(self) -> dict[tuple[str, str], str]:
        return {(name[0], name[1]): value for name, value in self.cleaned_data.items()}


class PlanningSettingsForm(forms.ModelForm):
    class Meta:
        model = PurchasingSettings
        fields = ["order_cycle_days", "demand_window_days"]
