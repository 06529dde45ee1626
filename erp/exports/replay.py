"""The export a page gives for a query, got by calling the page's own view with it: the view
builds its table as for the screen (its role check, tenant, filters, sort and the database it
reads) and `build_table` raises `ExportRequested` before any page of rows is read."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string
from django_htmx.middleware import HtmxDetails

from erp.errors import ExportNotAvailable
from erp.exports.core import Export, ExportRequested

NO_EXPORT = "That page gives no export for these filters: open it again and correct them."


def check_path(path: str) -> Callable:
    """The view behind `path` (a page of this site), or ExportNotAvailable."""
    if not path.startswith("/") or path.startswith("//") or len(path) > 500:
        raise ExportNotAvailable(reason="That is not a page of this site.")
    try:
        match = resolve(path)
    except Resolver404:
        raise ExportNotAvailable(reason="That page does not exist.") from None
    if match.url_name and match.namespace == "exports":
        raise ExportNotAvailable(reason="That page has no export.")
    return match


def export_of(request: HttpRequest, path: str, query: str) -> Export:
    """The export `path?query` gives `request`'s member, asked as a GET. PermissionDenied and
    Http404 from the view go up as they would from the page."""
    match = check_path(path)
    params = QueryDict(query)
    if not any(key == "export" or key.endswith("-export") for key in params):
        raise ExportNotAvailable(reason=NO_EXPORT)
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except ExportRequested as asked:
        return asked.export
    response.close()
    raise ExportNotAvailable(reason=NO_EXPORT)


def as_get(request: HttpRequest, path: str, query: str) -> HttpRequest:
    """A copy of a signed-in request (its member, tenant and site) asking GET `path?query`."""
    replay = copy.copy(request)
    replay.method = "GET"
    replay.path = replay.path_info = path
    replay.META = {
        **{k: v for k, v in request.META.items() if not k.startswith("HTTP_HX_")},
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": query,
    }
    replay.GET, replay.POST = QueryDict(query), QueryDict()
    replay.htmx = HtmxDetails(replay)
    return replay


def worker_request(*, tenant, user, membership, path: str, query: str, session: dict):
    """A request as the page would have had it, for a worker: the owner's membership in the
    tenant as it is now (a role taken away since stops the export), and the session values the
    page reads. Returns (request, view) where view runs the page behind the middleware that
    the page's request passed after the tenant's (`STOCKLINE_EXPORT_REPLAY_MIDDLEWARE`)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": query,
        "SERVER_NAME": "stockline.invalid",
        "SERVER_PORT": "443",
    }
    request.GET = QueryDict(query)
    request.user = user
    request.tenant = tenant
    request.membership = membership
    request.memberships = [membership] if membership else []
    user._stockline_memberships = {tenant.pk: membership} if membership else {}
    request.session = dict(session)
    request.htmx = HtmxDetails(request)

    def view(request):
        return export_of(request, path, query)

    handler = view
    for dotted in reversed(settings.STOCKLINE_EXPORT_REPLAY_MIDDLEWARE):
        handler = import_string(dotted)(handler)
    return request, handler
