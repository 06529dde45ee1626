"""The page every app's tenant settings use: one form over the tenant's settings row, saved
through the owning app's service, with the row's history beneath."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from erp.errors import DomainError
from erp.history import changes


def settings_page(
    request: HttpRequest,
    *,
    settings_for: Callable,
    save_settings: Callable,
    form_class: type,
    template: str,
    saved: str,
    url_name: str,
) -> HttpResponse:
    """`settings_for(tenant)` reads the row (an unsaved default when there is none: reading
    never writes); `save_settings(tenant=, user=, settings=)` saves it or raises DomainError."""
    settings = settings_for(request.tenant)
    form = form_class(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            save_settings(
                tenant=request.tenant, user=request.user, settings=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, saved)
            return redirect(url_name)
    return render(
        request,
        template,
        {"form": form, "history": changes(settings)},
        status=422 if form.errors else 200,
    )
