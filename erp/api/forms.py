"""The admin's form for a new API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.roles import Role


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        strip=True,
        help_text=_("The system that will use it: “Web store”, “EDI gateway”."),
    )
    role = forms.ChoiceField(
        label=_("Acts as"),
        choices=Role.choices,
        help_text=_("The token can do what a member of this role can, nothing more."),
    )
    rate_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=100_000, initial=600
    )
