"""Forms of the webhook pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import URLValidator
from django.utils.text import Truncator

from erp.webhooks import events
from erp.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where Stockline POSTs the events: an http:// or https:// address.",
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=events.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None chosen: the endpoint gets only the tests you send from its page.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if "@" in url.split("/")[2]:
            raise forms.ValidationError("Leave user names and passwords out of the URL.")
        return url


class DeliveryFilter(django_filters.FilterSet):
    endpoint = django_filters.ModelChoiceFilter(
        queryset=WebhookEndpoint.objects.none(), empty_label="All endpoints"
    )
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices, empty_label="Any status")
    type = django_filters.ChoiceFilter(
        field_name="event__type",
        label="Event",
        choices=lambda: [(name, name) for name in [*events.EVENT_TYPES, events.TEST_TYPE]],
        empty_label="Any event",
    )

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "type"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        endpoint = self.filters["endpoint"]
        endpoint.queryset = WebhookEndpoint.objects.filter(tenant=request.tenant)
        # Receiver URLs run long; a full one would widen the filter past a phone's screen.
        endpoint.field.label_from_instance = lambda e: Truncator(e.url).chars(30)
