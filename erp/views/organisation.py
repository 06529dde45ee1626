"""Admin page for the organisation (tenant) itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from erp import services
from erp.errors import DomainError
from erp.forms import OrganisationForm
from erp.history import changes
from erp.roles import Role, roles_required


@roles_required(Role.ADMIN)
def organisation(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    form = OrganisationForm(request.POST or None, instance=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.update_organisation(
                tenant=tenant, user=request.user, name=data["name"], currency=data["currency"],
                time_zone=data["time_zone"], date_format=data["date_format"],
                paper_size=data["paper_size"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Organisation saved.")
            return redirect("organisation")
    return render(
        request,
        "erp/organisation.html",
        {"form": form, "history": changes(tenant)},
        status=422 if form.errors else 200,
    )
