"""The tenant's display settings, active for the current request (or task): its currency,
date format and time zone. Numbers and dates on every page go through `erp.numbers` and the
`numbers` template filters, which read what is active here, so a page never formats by hand.
"""

from __future__ import annotations

import datetime
import zoneinfo
from contextlib import contextmanager

from asgiref.local import Local
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_CURRENCY = "USD"


class DateFormat(models.TextChoices):
    """Django `date` format strings a tenant may choose; the label shows 30 November 2026."""

    ISO = "Y-m-d", _("2026-11-30 (ISO)")
    DAY_MONTH = "d/m/Y", _("30/11/2026")
    MONTH_DAY = "m/d/Y", _("11/30/2026")
    DOTTED = "d.m.Y", _("30.11.2026")
    WORDS = "j M Y", _("30 Nov 2026")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# Per thread and per asyncio task, like Django's own active time zone.
_active = Local()


def activate(*, currency: str, date_format: str, time_zone: str) -> None:
    _active.currency = currency
    _active.date_format = date_format
    timezone.activate(zoneinfo.ZoneInfo(time_zone))


def deactivate() -> None:
    for name in ("currency", "date_format"):
        if hasattr(_active, name):
            delattr(_active, name)
    timezone.deactivate()


def activate_tenant(tenant) -> None:
    activate(currency=tenant.currency, date_format=tenant.date_format, time_zone=tenant.time_zone)


@contextmanager
def tenant_formats(tenant):
    """Format as `tenant` does inside the block (tasks and tests; requests use the middleware)."""
    activate_tenant(tenant)
    try:
        yield
    finally:
        deactivate()


def currency() -> str:
    return getattr(_active, "currency", DEFAULT_CURRENCY)


def date_format() -> str:
    return getattr(_active, "date_format", DateFormat.ISO.value)


def day(value) -> str:
    """A date (or the local date of a moment) in the tenant's format; "" for None."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return dateformat.format(value, date_format())


def moment(value) -> str:
    """A moment in the tenant's time zone and date format, to the minute: 30/11/2026 14:05."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, f"{date_format()} H:i")


class TenantFormatsMiddleware:
    """Activate the request's tenant's currency, date format and time zone (after
    `TenantMiddleware` has chosen the tenant), so every date and amount on the page uses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return self.get_response(request)
        activate_tenant(tenant)
        try:
            return self.get_response(request)
        finally:
            deactivate()
