from django.urls import path

from erp.imports.urls import import_urls
from inventory.views import (
    adjustments,
    items,
    ledger,
    locations,
    scanner,
    segments,
    sites,
    stock,
    valuation,
)
from inventory.views.lookups import bin_lookup, item_lookup

app_name = "inventory"

urlpatterns = [
    path("settings/sites/", locations.site_list, name="site_list"),
    path("settings/sites/new/", locations.site_create, name="site_create"),
    path("settings/sites/<int:pk>/", locations.site_detail, name="site_detail"),
    path("site/switch/", sites.switch_site, name="switch_site"),
    path("settings/sites/members/<int:pk>/", sites.member_site, name="member_site"),
    path("settings/zones/", locations.zone_list, name="zone_list"),
    path("settings/zones/new/", locations.zone_create, name="zone_create"),
    path("settings/zones/<int:pk>/", locations.zone_detail, name="zone_detail"),
    path("settings/bins/", locations.bin_list, name="bin_list"),
    path("settings/bins/new/", locations.bin_create, name="bin_create"),
    path("settings/bins/labels.pdf", locations.bin_labels, name="bin_labels"),
    path("settings/bins/<int:pk>/", locations.bin_detail, name="bin_detail"),
    path("settings/bins/<int:pk>/label.pdf", locations.bin_label, name="bin_label"),
    *import_urls("inventory.bins", prefix="settings/bins/import/"),
    path("settings/inventory/", adjustments.inventory_settings, name="inventory_settings"),
    path("inventory/adjustments/", adjustments.adjustment_list, name="adjustment_list"),
    path("inventory/adjustments/new/", adjustments.adjustment_create, name="adjustment_create"),
    path(
        "inventory/adjustments/<int:pk>/", adjustments.adjustment_detail, name="adjustment_detail"
    ),
    path(
        "inventory/adjustments/<int:pk>/decide/",
        adjustments.adjustment_decide,
        name="adjustment_decide",
    ),
    path("inventory/stock/", stock.stock_list, name="stock_list"),
    path("inventory/ledger/", ledger.transaction_list, name="transaction_list"),
    path("inventory/ledger/<int:pk>/", ledger.transaction_detail, name="transaction_detail"),
    path(
        "inventory/ledger/<int:pk>/reverse/", ledger.transaction_reverse, name="transaction_reverse"
    ),
    path("inventory/valuation/", valuation.valuation, name="valuation"),
    path(
        "inventory/valuation/sites/<int:site_pk>/",
        valuation.valuation_items,
        name="valuation_items",
    ),
    path(
        "inventory/valuation/sites/<int:site_pk>/items/<int:item_pk>/",
        valuation.valuation_layers,
        name="valuation_layers",
    ),
    path(
        "inventory/valuation/sites/<int:site_pk>/items/<int:item_pk>/layers/<int:layer_pk>/",
        valuation.valuation_layer_entries,
        name="valuation_layer_entries",
    ),
    path("inventory/segments/", segments.segment_list, name="segment_list"),
    path("inventory/segments/recompute/", segments.segment_recompute, name="segment_recompute"),
    path("scan/move/", scanner.move, name="scan_move"),
    path("inventory/items/", items.item_list, name="item_list"),
    path("inventory/items/lookup/", item_lookup, name="item_lookup"),
    path("inventory/bins/lookup/", bin_lookup, name="bin_lookup"),
    path("inventory/items/new/", items.item_create, name="item_create"),
    path("inventory/items/<int:pk>/", items.item_detail, name="item_detail"),
    path("inventory/items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("inventory/items/<int:pk>/units/new/", items.unit_create, name="unit_create"),
    path("inventory/items/units/<int:pk>/", items.unit_edit, name="unit_edit"),
    path("inventory/items/units/<int:pk>/remove/", items.unit_remove, name="unit_remove"),
    *import_urls("inventory.items", prefix="inventory/items/import/"),
]
