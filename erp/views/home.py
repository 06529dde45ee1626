from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp import dashboards, selectors
from erp.forms import SwitchTenantForm
from erp.middleware import SESSION_KEY
from erp.navigation import menu_for
from erp.roles import any_member, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    waiting = list(selectors.invitations_waiting_for(user=request.user))
    if request.membership is None:
        # A user invited while a member of nothing answers first; there is no dashboard yet.
        if waiting:
            return redirect("invitations:list")
        raise PermissionDenied(_("You have no active membership in any organisation."))
    # A role with a dashboard (reporting registers them) lands on its figures; the others
    # (operators, whose work starts on the scanner pages) keep the menu as link cards.
    panels = dashboards.panels_for(request)
    sections = [] if panels else menu_for(request.membership.role, request.path)
    return render(
        request,
        "erp/home.html",
        {"sections": sections, "panels": panels, "invitations": waiting},
    )


@require_POST
@any_member
def switch_tenant(request: HttpRequest) -> HttpResponse:
    form = SwitchTenantForm(request.POST)
    memberships = {m.tenant_id: m for m in request.memberships}
    if form.is_valid() and form.cleaned_data["tenant"] in memberships:
        membership = memberships[form.cleaned_data["tenant"]]
        request.session[SESSION_KEY] = membership.tenant_id
        messages.success(
            request, f"Now working in {membership.tenant.name} as {membership.get_role_display()}."
        )
    else:
        messages.error(request, "You are not a member of that organisation.")
    return redirect("home")
