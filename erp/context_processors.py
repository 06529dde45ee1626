from erp.navigation import menu_for


def shell(request) -> dict:
    membership = getattr(request, "membership", None)
    return {
        "nav_sections": menu_for(membership.role if membership else None, request.path),
        "active_membership": membership,
        "switchable_memberships": getattr(request, "memberships", []),
    }
