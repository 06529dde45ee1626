"""The invited user's side of invitations: see them, open the e-mailed link, accept, decline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from erp import invitations, selectors
from erp.errors import DomainError
from erp.forms import AnswerInvitationForm
from erp.idempotency import idempotent
from erp.roles import public, signed_in

app_name = "invitations"


def _list(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    waiting = list(selectors.invitations_waiting_for(user=request.user))
    return render(
        request,
        "erp/invitations/list.html",
        {"invitations": waiting, "error": error},
        status=status,
    )


@signed_in
def invitation_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@public
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. Public so that it leads a signed-out user to sign in first; it shows
    an invitation only to the user it is addressed to."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    invitation = selectors.invitation_by_token(user=request.user, token=token)
    if invitation is None:
        return render(
            request,
            "erp/invitations/open.html",
            {"invitation": None, "error": str(invitations.InvitationNotFound())},
            status=404,
        )
    return render(request, "erp/invitations/open.html", {"invitation": invitation})


@require_POST
@signed_in
@idempotent
def invitation_answer(request: HttpRequest) -> HttpResponse:
    form = AnswerInvitationForm(request.POST)
    if not form.is_valid():
        return _list(request, error="Choose an invitation and accept or decline it.", status=422)
    # Only the user's own invitations are looked up: another user's id is simply not found.
    invitation = (
        selectors.invitations_for(user=request.user).filter(pk=form.cleaned_data["invitation"])
    ).first()
    try:
        if invitation is None:
            raise invitations.InvitationNotFound()
        if form.cleaned_data["answer"] == "accept":
            membership = invitations.accept(user=request.user, invitation=invitation)
        else:
            invitations.decline(user=request.user, invitation=invitation)
    except DomainError as exc:
        return _list(request, error=str(exc), status=422)
    if form.cleaned_data["answer"] == "accept":
        if request.tenant is None:
            messages.success(
                request,
                f"You are now a member of {invitation.tenant.name} as "
                f"{membership.get_role_display()}.",
            )
            return redirect("home")
        messages.success(
            request,
            f"You are now a member of {invitation.tenant.name} as "
            f"{membership.get_role_display()}. You are still working in {request.tenant.name}; "
            "switch organisation from the top bar when you want to work there.",
        )
    else:
        messages.success(request, f"You declined the invitation to {invitation.tenant.name}.")
    return redirect("invitations:list")


urlpatterns = [
    path("", invitation_list, name="list"),
    path("answer/", invitation_answer, name="answer"),
    path("<str:token>/", invitation_open, name="open"),
]
