from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from erp.forms import SwitchTenantForm
from erp.middleware import SESSION_KEY
from erp.navigation import menu_for
from erp.roles import any_member


@any_member
def home(request: HttpRequest) -> HttpResponse:
    sections = menu_for(request.membership.role, request.path)
    return render(request, "erp/home.html", {"sections": sections})


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
