"""Returns' pages (returns:...): the desk's RMAs, the scanner's receipt, inspection,
credits, the supervisor's reports and the admin's settings."""

from django.urls import path

from returns.views import credits, inspection, lookups, reports, rmas, scan, settings

app_name = "returns"

urlpatterns = [
    path("returns/rmas/", rmas.rma_list, name="rma_list"),
    path("returns/rmas/new/", rmas.rma_create, name="rma_create"),
    path("returns/orders/lookup/", lookups.shipped_order_lookup, name="shipped_order_lookup"),
    path("returns/rmas/<int:pk>/", rmas.rma_detail, name="rma_detail"),
    path("returns/rmas/<int:pk>/lines/", rmas.rma_add_line, name="rma_add_line"),
    path(
        "returns/rmas/<int:pk>/lines/<int:line_pk>/remove/",
        rmas.rma_remove_line,
        name="rma_remove_line",
    ),
    path("returns/rmas/<int:pk>/authorise/", rmas.rma_authorise, name="rma_authorise"),
    path("returns/rmas/<int:pk>/reject/", rmas.rma_reject, name="rma_reject"),
    path(
        "returns/rmas/<int:pk>/stop-receiving/",
        rmas.rma_stop_receiving,
        name="rma_stop_receiving",
    ),
    path("returns/rmas/<int:pk>/close/", rmas.rma_close, name="rma_close"),
    path("returns/rmas/<int:pk>/credit/", rmas.credit_propose, name="credit_propose"),
    path("returns/rmas/<int:pk>/inspect/", inspection.rma_inspect, name="rma_inspect"),
    path("returns/inspection/", inspection.inspection_list, name="inspection_list"),
    path(
        "returns/inspection/<int:pk>/dispose/",
        inspection.inspection_dispose,
        name="inspection_dispose",
    ),
    path(
        "returns/supplier-returns/",
        inspection.supplier_return_list,
        name="supplier_return_list",
    ),
    path(
        "returns/supplier-returns/<int:pk>/ship/",
        inspection.supplier_return_ship,
        name="supplier_return_ship",
    ),
    path("returns/credits/", credits.credit_list, name="credit_list"),
    path("returns/credits/export.csv", credits.credit_export, name="credit_export"),
    path("returns/credits/<int:pk>/approve/", credits.credit_approve, name="credit_approve"),
    path("returns/credits/<int:pk>/reject/", credits.credit_reject, name="credit_reject"),
    path("returns/queue/", reports.queue, name="queue"),
    path("returns/reasons/", reports.reasons, name="reasons"),
    # Operators at phone width.
    path("scan/returns/", scan.receive_find, name="receive_find"),
    path("scan/returns/<int:pk>/", scan.receive, name="receive"),
    path("settings/returns/", settings.return_settings, name="settings"),
    path("settings/returns/policies/", settings.policy_list, name="policy_list"),
    path(
        "settings/returns/policies/<int:pk>/delete/",
        settings.policy_delete,
        name="policy_delete",
    ),
    path("settings/returns/rules/", settings.rule_list, name="rule_list"),
    path("settings/returns/rules/<int:pk>/delete/", settings.rule_delete, name="rule_delete"),
    path("settings/returns/suppliers/", settings.returning_suppliers, name="returning_suppliers"),
]
