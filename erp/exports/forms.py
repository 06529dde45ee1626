from __future__ import annotations

from django import forms


class StartExportForm(forms.Form):
    path = forms.CharField(max_length=500)
    query = forms.CharField(max_length=4000, required=False)
