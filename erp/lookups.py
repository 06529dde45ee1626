"""Search-as-you-type for the forms that pick a customer, item, supplier or bin.

A form field renders `LookupInput`: a plain text input (the code is typed and the form
resolves it, so the field works without JavaScript) that htmx wires to a lookup view. The
view answers GET `?q=` with a short listbox of matches (`components/_lookup_options.html`);
stockline.js lets the keyboard move through it and puts the chosen code into the input.

Each entity has one small view in its own app that calls `lookup_response` with a
tenant-scoped selector. The typed text is bounded here: anything longer than a code or name
could be, or carrying control characters (NUL included, which PostgreSQL refuses), matches
nothing instead of reaching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from erp.parsing import parse_id

MAX_QUERY_LENGTH = 60
LIMIT = 10


@dataclass(frozen=True)
class Option:
    value: str  # what goes into the input: the code the form resolves
    label: str  # what the person recognises: the name or description


def typed_query(request: HttpRequest) -> str:
    """The text typed so far, or "" when it cannot match anything."""
    raw = request.GET.get("q", "")
    if len(raw) > MAX_QUERY_LENGTH or any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        return ""
    return raw.strip()


def lookup_response(
    request: HttpRequest, search: Callable[[str, int], Iterable[Option]]
) -> HttpResponse:
    """The listbox of up to LIMIT options that `search(query, limit)` finds for the typed text."""
    query = typed_query(request)
    options = list(search(query, LIMIT))[:LIMIT] if query else []
    return render(request, "components/_lookup_options.html", {"options": options, "query": query})


class LookupInput(forms.TextInput):
    """A text input that offers matches as one types; `url_name` names the lookup view.

    `include` is a CSS selector of other fields sent along (a bin lookup narrows to the form's
    site field when there is one).
    """

    template_name = "components/_lookup.html"

    def __init__(self, url_name: str, *, include: str = "", attrs: dict | None = None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.url_name = url_name
        self.include = include

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["lookup_url"] = reverse(self.url_name)
        context["widget"]["include"] = self.include
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's templates, not the form renderer's (which sees only Django's own).
        return mark_safe(render_to_string(template_name, context))


class LookupChoiceField(forms.ModelChoiceField):
    """A model picked by its code, typed or chosen from the lookup.

    The code matches exactly, else case-insensitively when only one row has it; digits that
    are no code are taken as an id (links and older forms send the id). An id from the form's
    initial data is shown as that row's code, so editing shows what was chosen.
    """

    def __init__(
        self, queryset: QuerySet | None, *, url_name: str, code_field: str = "code", **kwargs
    ):
        kwargs.setdefault("widget", LookupInput(url_name))
        super().__init__(queryset, to_field_name=code_field, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and self.queryset is not None:
            found = self.queryset.filter(pk=value).first()
            return super().prepare_value(found) if found else ""
        return super().prepare_value(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value
        text = str(value).strip()
        invalid = forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
        )
        if len(text) > MAX_QUERY_LENGTH or any(ord(ch) < 32 for ch in text):
            raise invalid
        code = self.to_field_name
        found = self.queryset.filter(**{code: text}).first()
        if found is None:
            alike = list(self.queryset.filter(**{f"{code}__iexact": text})[:2])
            found = alike[0] if len(alike) == 1 else None
        if found is None and parse_id(text) is not None:
            found = self.queryset.filter(pk=parse_id(text)).first()
        if found is None:
            raise invalid
        return found

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class LookupFilter(django_filters.ModelChoiceFilter):
    """A list filter that picks a customer, supplier or item by its code (search as you
    type) instead of a select of every row: a select of thousands of customers cost a list
    page half a second to render. `?customer=<id>` links keep working (ids are accepted)."""

    field_class = LookupChoiceField


def options(rows: Iterable[Model], *, value: str, label: str) -> list[Option]:
    return [Option(str(getattr(row, value)), str(getattr(row, label))) for row in rows]


def ranked_matches(
    queryset: QuerySet, *, query: str, code: str, text: tuple[str, ...] = (), extra: Q | None = None
) -> QuerySet:
    """Rows whose `code` starts with `query` or whose `text` fields contain it (or that match
    `extra`): the exact code first, then codes starting with it, then the rest, by code."""
    match = Q(**{f"{code}__istartswith": query})
    for name in text:
        match |= Q(**{f"{name}__icontains": query})
    if extra is not None:
        match |= extra
    rank = Case(
        When(**{f"{code}__iexact": query}, then=Value(0)),
        When(**{f"{code}__istartswith": query}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.filter(match).order_by(rank, code)
