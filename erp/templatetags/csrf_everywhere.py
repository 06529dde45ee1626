"""`{% csrf_token %}` that works in every template, including partials included with `only`.

Django's tag reads `csrf_token` from the context, and `{% include ... only %}` starts a context
without the context processors, so a form in such a partial rendered an empty token and its
POST failed with a bare "CSRF verification failed" page. The included context still carries the
request, so the token is taken from it. Installed as a template builtin (settings.TEMPLATES), it
replaces Django's tag everywhere without a `{% load %}` that a new partial could forget.
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.template.defaulttags import CsrfTokenNode

register = template.Library()


class RequestCsrfTokenNode(CsrfTokenNode):
    def render(self, context):
        request = getattr(context, "request", None)
        if context.get("csrf_token") or request is None:
            return super().render(context)
        with context.push(csrf_token=get_token(request)):
            return super().render(context)


@register.tag
def csrf_token(parser, token):
    return RequestCsrfTokenNode()
