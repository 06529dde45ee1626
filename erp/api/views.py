"""Admin pages for API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from erp.api import tokens
from erp.api.forms import NewTokenForm
from erp.api.models import ApiToken
from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import Role, roles_required

app_name = "api_tokens"


def _tokens(request: HttpRequest):
    return ApiToken.objects.filter(tenant=request.tenant).select_related("created_by")


@roles_required(Role.ADMIN)
def token_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "erp/api_tokens/list.html",
        {"tokens": list(_tokens(request)), "form": NewTokenForm()},
    )


# Not @idempotent: its stored answer would keep the token's text in the database. A double
# submit is refused instead, by the rule that active tokens have distinct names.
@require_POST
@roles_required(Role.ADMIN)
def token_create(request: HttpRequest) -> HttpResponse:
    form = NewTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = tokens.create_token(
                tenant=request.tenant, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error("name", str(exc))
        else:
            response = render(request, "erp/api_tokens/created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    context = {"tokens": list(_tokens(request)), "form": form}
    return render(request, "erp/api_tokens/list.html", context, status=422)


@roles_required(Role.ADMIN)
def token_detail(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_tokens(request), pk=pk)
    return render(
        request, "erp/api_tokens/detail.html", {"token": token, "history": changes(token)}
    )


@require_POST
@roles_required(Role.ADMIN)
@idempotent
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_tokens(request), pk=pk)
    try:
        tokens.revoke_token(tenant=request.tenant, user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Revoked {token.name}: its next request is refused.")
    return redirect("api_tokens:detail", token.pk)


urlpatterns = [
    path("", token_list, name="list"),
    path("new/", token_create, name="create"),
    path("<int:pk>/", token_detail, name="detail"),
    path("<int:pk>/revoke/", token_revoke, name="revoke"),
]
