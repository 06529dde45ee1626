"""`{% idempotency_key %}`: the hidden field that makes a form's submission happen once
(erp.idempotency). A template builtin, so no form needs a `{% load %}` to carry it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from erp.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
