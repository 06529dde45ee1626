from functools import cache

from inventory import selectors


def site_switch(request) -> dict:
    """The current site and the sites the top bar offers; the list is read only when a
    template shows it (templates call callables)."""
    tenant = getattr(request, "tenant", None)

    @cache
    def switchable_sites() -> list:
        return list(selectors.active_sites(tenant=tenant)) if tenant is not None else []

    return {"current_site": getattr(request, "site", None), "switchable_sites": switchable_sites}
