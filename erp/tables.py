"""The one server-side table: filtered by a django-filter FilterSet, sorted, paged.

A page builds a `Table` from a selector's queryset and renders `components/_table.html`;
htmx requests aimed at the table's results get only `components/_table_results.html`, so
filtering and paging swap the rows without reloading the page (and the URL keeps the query,
so a filtered page can be bookmarked and works without JavaScript). Several tables on one
page each take a `prefix`, which names their own `page` and `sort` parameters.

A table whose columns carry a `value` can be exported: `export=csv|xlsx` (prefixed like the
others) makes `build_table` raise `erp.exports.ExportRequested` with every filtered row in the
page's order, answered by `erp.exports.middleware` (so a page needs no export view of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from erp.exports.core import FORMATS, Export, ExportRequested
from erp.keyset import Keyset, KeysetPage


@dataclass(frozen=True)
class Column:
    label: str
    sort: str | None = None  # an order_by expression, when the column sorts
    css: str = ""
    # What an export writes for a row: an attribute path ("item.sku") or a callable(row);
    # None leaves the column out of exports (an actions column, say).
    value: str | Callable[[Any], Any] | None = None


@dataclass
class Table:
    name: str
    columns: list[Column]
    row_template: str
    page: Page | KeysetPage
    filter_form: object | None
    sort: str
    query: str  # the current query string without this table's page and sort
    extra: dict = field(default_factory=dict)
    prefix: str = ""
    empty: str = "Nothing matches these filters."
    last_cursor: str = ""  # keyset tables: the cursor of the "Last" link
    figures: dict | None = None  # what `build_table(figures=...)` summed over the filtered rows

    @property
    def keyset(self) -> bool:
        return isinstance(self.page, KeysetPage)

    @property
    def cursor_param(self) -> str:
        return _param(self.prefix, "cursor")

    @property
    def page_param(self) -> str:
        return _param(self.prefix, "page")

    @property
    def sort_param(self) -> str:
        return _param(self.prefix, "sort")

    @property
    def export_param(self) -> str:
        return _param(self.prefix, "export")

    @property
    def exportable(self) -> bool:
        return any(c.value is not None for c in self.columns)

    def _export_href(self, format: str) -> str:
        sort = f"&{self.sort_param}={self.sort}" if self.sort else ""
        return f"?{self.query}{sort}&{self.export_param}={format}"

    @property
    def csv_href(self) -> str:
        return self._export_href("csv")

    @property
    def xlsx_href(self) -> str:
        return self._export_href("xlsx")

    @property
    def results_id(self) -> str:
        return f"{self.name}-results"

    @property
    def column_count(self) -> int:
        return len(self.columns)

    def fetch(self) -> Table:
        """Run the page's query now: a read on the replica must finish inside its transaction
        there, not when the template renders the rows."""
        self.page.object_list = list(self.page.object_list)
        return self


def _param(prefix: str, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


def window_start(request: HttpRequest, per_page: int, *, prefix: str = "") -> int:
    """The first row of the page the request asks of a table (`prefix` as `build_table`'s),
    so a selector that ranks in SQL (`erp.ranked_rows`) reads that window with its totals. A
    page past the last, or junk, starts at 0: the paginator pages it, by one more read."""
    number = request.GET.get(_param(prefix, "page"), "")
    return (int(number) - 1) * per_page if number.isdigit() and 0 < int(number) < 10**6 else 0


def build_table(
    request: HttpRequest,
    *,
    name: str,
    queryset: QuerySet,
    columns: list[Column],
    row_template: str,
    filterset_class=None,
    per_page: int = 25,
    default_sort: str | None = None,
    extra: dict | None = None,
    prefix: str = "",
    empty: str | None = None,
    keyset: bool = False,
    export_name: str | None = None,  # what an export's file is called after; else `name`
    figures: Callable[[QuerySet], dict] | None = None,
) -> Table:
    """`figures(filtered rows)` (optional) sums the filtered rows for the page; its "rows" is
    their count, so the pager needs no second pass over them."""
    page_param, sort_param = _param(prefix, "page"), _param(prefix, "sort")
    cursor_param, export_param = _param(prefix, "cursor"), _param(prefix, "export")
    form = None
    valid = True
    if filterset_class is not None:
        filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
        form = filterset.form
        valid = not filterset.is_bound or filterset.is_valid()
        queryset = filterset.qs if filterset.is_bound and valid else queryset
        if not valid:
            queryset = queryset.none()
    export_format = request.GET.get(export_param)
    # Junk in the filters shows the page with its messages rather than exporting nothing.
    export = export_format in FORMATS and valid and any(c.value is not None for c in columns)
    allowed = {c.sort for c in columns if c.sort}
    sort = request.GET.get(sort_param) or default_sort or ""
    last_cursor = ""
    summed = None
    if keyset:
        if sort.lstrip("-") not in allowed and sort != default_sort:
            sort = default_sort or "pk"
        if export:
            _export(
                request, export_name or name, columns, queryset, export_format, _keyset_order(sort)
            )
        pager = Keyset(queryset, _keyset_order(sort), salt=f"{prefix}:{name}", per_page=per_page)
        page = pager.page(request.GET.get(cursor_param))
        last_cursor = pager.last_cursor()
    else:
        if sort.lstrip("-") in allowed:
            queryset = queryset.order_by(sort, "pk")
        else:
            sort = default_sort or ""
            if not queryset.ordered:  # aggregates drop Meta.ordering; pages must not overlap
                queryset = queryset.order_by("pk")
        if export:
            _export(request, export_name or name, columns, queryset, export_format, None)
        summed = figures(queryset) if figures is not None else None
        paginator = Paginator(queryset, per_page)
        if summed is not None:
            paginator.count = summed["rows"]  # a cached_property: set, it is never queried
        page = paginator.get_page(request.GET.get(page_param))
    params = request.GET.copy()
    for param in (page_param, sort_param, cursor_param, export_param):
        params.pop(param, None)
    return Table(
        name=name,
        columns=columns,
        row_template=row_template,
        page=page,
        filter_form=form,
        sort=sort,
        query=params.urlencode(),
        extra=extra or {},
        prefix=prefix,
        empty=empty or Table.empty,
        last_cursor=last_cursor,
        figures=summed,
    )


def _export(request, name, columns, queryset, format, keyset_order) -> None:
    exported = [c for c in columns if c.value is not None]
    raise ExportRequested(
        Export(
            name=name,
            labels=[c.label for c in exported],
            values=[c.value for c in exported],
            source=queryset,
            format=format,
            tenant_id=request.tenant.pk,
            user_id=request.user.pk,
            keyset_order=keyset_order,
            tz=timezone.get_current_timezone(),
        )
    )


def _keyset_order(sort: str) -> tuple[str, ...]:
    """The sort, then the primary key in the same direction (ties page in one order)."""
    descending = "-" if sort.startswith("-") else ""
    if sort.lstrip("-") in ("pk", "id"):
        return (f"{descending}pk",)
    return (sort, f"{descending}pk")


def table_response(
    request: HttpRequest, *, template: str, table: Table, context: dict | None = None
) -> HttpResponse:
    if getattr(request, "htmx", False) and request.htmx.target == table.results_id:
        return render(request, "components/_table_results.html", {"table": table})
    return render(request, template, {**(context or {}), "table": table})


def table_partial(request: HttpRequest, *tables: Table) -> HttpResponse | None:
    """The results of whichever of a page's tables an htmx request aims at; None otherwise."""
    if not getattr(request, "htmx", False):
        return None
    for table in tables:
        if request.htmx.target == table.results_id:
            return render(request, "components/_table_results.html", {"table": table})
    return None
