from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from erp.health import run_checks
from erp.roles import Role, roles_required


@roles_required(Role.ADMIN)
def health(request: HttpRequest) -> HttpResponse:
    # The page itself comes at once; the checks that ask the workers (up to a second when none
    # answers) arrive with htmx's first refresh, on load.
    checks = run_checks(ping_workers=bool(request.htmx))
    template = "erp/_health_checks.html" if request.htmx else "erp/health.html"
    return render(
        request,
        template,
        {
            "checks": checks,
            "all_ok": all(c.ok for c in checks),
            "pending": any(c.ok is None for c in checks),
        },
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def server_error(request):
    # No context processors: the request that failed may not have its tenant anymore.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
