"""Admin pages for the people in a tenant and their roles."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from erp import invitations, selectors, services
from erp.errors import DomainError
from erp.exports.cells import active
from erp.forms import AddMemberForm, MembershipForm
from erp.history import changes
from erp.idempotency import idempotent
from erp.models import Invitation, Membership
from erp.navigation import member_links
from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response

app_name = "users"


class MembershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=django_filters.widgets.forms.TextInput(
            attrs={"type": "search", "placeholder": "name or e-mail"}
        ),
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label="All roles")
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Membership
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(user__email__icontains=value) | queryset.filter(
            user__full_name__icontains=value
        )


@roles_required(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="members",
        queryset=selectors.memberships(tenant=request.tenant),
        filterset_class=MembershipFilter,
        columns=[
            Column("E-mail", "user__email", value="user.email"),
            Column("Name", "user__full_name", value="user.full_name"),
            Column("Role", "role", value="get_role_display"),
            Column("Active", value=active),
        ],
        row_template="erp/users/_row.html",
        default_sort="user__email",
    )
    return table_response(
        request,
        template="erp/users/list.html",
        table=table,
        context={"invitations": list(selectors.pending_invitations(tenant=request.tenant))},
    )


@roles_required(Role.ADMIN)
@idempotent
def user_add(request: HttpRequest) -> HttpResponse:
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_member(
                tenant=request.tenant, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if isinstance(added, Invitation):
                messages.success(
                    request,
                    f"{added.user.email} already has a Stockline account: they were invited as "
                    f"{added.get_role_display()} and become a member when they accept.",
                )
                return redirect("users:list")
            messages.success(request, f"{added.user.email} added as {added.get_role_display()}.")
            return redirect("users:detail", added.pk)
    return render(request, "erp/users/add.html", {"form": form}, status=422 if form.errors else 200)


@roles_required(Role.ADMIN)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships(tenant=request.tenant), pk=pk)
    form = MembershipForm(
        request.POST or None, initial={"role": membership.role, "is_active": membership.is_active}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership(
                tenant=request.tenant, user=request.user, membership=membership, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Membership saved.")
            return redirect("users:detail", membership.pk)
    return render(
        request,
        "erp/users/detail.html",
        {
            "membership": membership,
            "form": form,
            "history": changes(membership),
            # Settings other apps keep per membership (erp names none of their pages).
            "member_links": [
                {"term": link.term, "label": link.label, "url": link.url(membership.pk)}
                for link in member_links()
            ],
        },
        status=422 if form.errors else 200,
    )


@require_POST
@roles_required(Role.ADMIN)
@idempotent
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(selectors.invitations(tenant=request.tenant), pk=pk)
    try:
        invitations.revoke(tenant=request.tenant, user=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.user.email} was withdrawn.")
    return redirect("users:list")


urlpatterns = [
    path("", user_list, name="list"),
    path("add/", user_add, name="add"),
    path("<int:pk>/", user_detail, name="detail"),
    path("invitations/<int:pk>/revoke/", invitation_revoke, name="invitation_revoke"),
]
