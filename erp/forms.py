from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from erp import throttle
from erp.parsing import MAX_ID
from erp.roles import Role


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by e-mail address, refused for a while after repeated failures."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match an active account."),
        "throttled": _(
            "Too many failed sign-in attempts for this account from your address. Wait "
            "%(minutes)s minutes, or reset your password."
        ),
        "slowed": _(
            "Too many failed sign-in attempts from your address. Wait %(seconds)s seconds "
            "and try again."
        ),
        "slowed_account": _(
            "Too many failed sign-in attempts for this account. Wait %(seconds)s seconds and "
            "try again, or reset your password."
        ),
    }

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else ""
        refused = throttle.refusal(email=email, ip=ip)
        if refused is not None:
            code = {"pair": "throttled", "address": "slowed", "account": "slowed_account"}
            raise forms.ValidationError(
                self.error_messages[code[refused.scope]],
                code=code[refused.scope],
                params={
                    "minutes": -(-refused.wait_seconds // 60),
                    "seconds": refused.wait_seconds,
                },
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(email=email, ip=ip)
            raise
        throttle.clear(email=email, ip=ip)
        return cleaned


class SwitchTenantForm(forms.Form):
    tenant = forms.IntegerField()


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices)


class AnswerInvitationForm(forms.Form):
    invitation = forms.IntegerField(min_value=1, max_value=MAX_ID)
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class MembershipForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class OrganisationForm(forms.ModelForm):
    """The organisation's name and display settings; a display setting left out of the POST
    keeps its current value (so renaming alone needs only the name)."""

    time_zone = forms.ChoiceField(
        choices=lambda: [(tz, tz) for tz in sorted(zoneinfo.available_timezones())],
        required=False,
        help_text=_("Dates and times on every page are shown in this zone"),
    )

    class Meta:
        from erp.models import Tenant

        model = Tenant
        fields = ["name", "paper_size", "currency", "time_zone", "date_format"]
        help_texts = {"paper_size": _("For pick lists, packing slips, bills of lading and purchase orders; labels keep their own size.")}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].required = False
        self.fields["date_format"].required = False
        self.fields["paper_size"].required = False

    def _kept(self, name: str):
        return self.cleaned_data.get(name) or getattr(self.instance, name)

    def clean_currency(self):
        return self._kept("currency").strip().upper()

    def clean_time_zone(self):
        return self._kept("time_zone")

    def clean_date_format(self):
        return self._kept("date_format")

    def clean_paper_size(self):
        return self._kept("paper_size")
