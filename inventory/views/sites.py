"""The member's current site: switching it in the top bar, and the default an admin sets."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from erp import selectors as erp_selectors
from erp.errors import DomainError
from erp.roles import Role, any_member, roles_required
from inventory import scanning, selectors
from inventory.errors import AmbiguousBin
from inventory.forms_stock import DefaultSiteForm, SwitchSiteForm
from inventory.middleware import choose_site
from inventory.services import locations


@require_POST
@any_member
def switch_site(request: HttpRequest) -> HttpResponse:
    """Work at another of the tenant's active sites for the rest of this session. Another
    tenant's site id answers 404, like every id of another tenant."""
    form = SwitchSiteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a site to work at.")
        return redirect("home")
    site = get_object_or_404(
        selectors.active_sites(tenant=request.tenant), pk=form.cleaned_data["site"]
    )
    choose_site(request, site)
    messages.success(request, f"Now working at {site.code} {site.name}.")
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("home")


@roles_required(Role.ADMIN)
def member_site(request: HttpRequest, pk: int) -> HttpResponse:
    """The site a member starts at (admins)."""
    membership = get_object_or_404(erp_selectors.memberships(tenant=request.tenant), pk=pk)
    current = selectors.default_site(tenant=request.tenant, membership=membership)
    form = DefaultSiteForm(request.POST or None, tenant=request.tenant, initial={"site": current})
    if request.method == "POST" and form.is_valid():
        try:
            locations.set_default_site(
                tenant=request.tenant,
                user=request.user,
                membership=membership,
                site=form.cleaned_data["site"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            site = form.cleaned_data["site"]
            messages.success(
                request,
                f"{membership.user.email} starts at {site.code}."
                if site
                else f"{membership.user.email} has no default site.",
            )
            return redirect("users:detail", membership.pk)
    return render(
        request,
        "inventory/site/member.html",
        {"membership": membership, "form": form, "current": current},
        status=422 if form.errors else 200,
    )


def bin_from(form, name: str, *, tenant, site):
    """Resolve the bin code in `form`'s field `name` within `site` (None: any site). A code
    held by several sites turns the form's site field into a choice between them; any other
    refusal becomes the field's error. Returns the ledger location or None."""
    code = (getattr(form, "cleaned_data", None) or {}).get(name)
    if not code:
        return None
    try:
        return scanning.resolve_bin(tenant=tenant, code=code, site=site)
    except AmbiguousBin as exc:
        form.offer_sites(exc.sites)
        form.add_error("site", str(exc))
    except DomainError as exc:
        form.add_error(name, str(exc))
    return None


def item_from(form, *, tenant):
    """Resolve the item scan in `form`'s field "item": (item, unit, scan), or None with the
    refusal as the field's error."""
    text = (getattr(form, "cleaned_data", None) or {}).get("item")
    if not text:
        return None
    try:
        return scanning.resolve_item(tenant=tenant, text=text)
    except DomainError as exc:
        form.add_error("item", str(exc))
    return None
