"""Forms of the alert pages."""

from __future__ import annotations

from django import forms

from erp.alerts.models import AlertSettings


class NoteForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, strip=True)


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["lot_expiry_days", "backorder_age_days", "replenishment_due_hours"]
