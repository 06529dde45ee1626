"""Every view that claims an idempotency key is checked by a double-submit test (issue 9: "a
concurrency test per stock-changing form"), or is named below with why it needs none. A new
form that moves stock fails here until its `Form` is written in an app's
`test_double_submit*.py`."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent.parent

_IMPORT = "the one import view (erp/imports/views.py), checked through the bin import"
_SETTING = "sets values: a repeat sets the same ones; no stock, no document"
_MASTER = "master data with a unique code or pair: no stock; the key is claimed all the same"

NOT_CHECKED = {
    **dict.fromkeys(
        [
            "inventory:bin_import_resume",
            "inventory:item_import",
            "inventory:item_import_start",
            "inventory:item_import_resume",
            "orders:customer_import",
            "orders:customer_import_start",
            "orders:customer_import_resume",
            "purchasing:supplier_import",
            "purchasing:supplier_import_start",
            "purchasing:supplier_import_resume",
            "purchasing:supplier_item_import",
            "purchasing:supplier_item_import_start",
            "purchasing:supplier_item_import_resume",
            "warehouse:face_import",
            "warehouse:face_import_start",
            "warehouse:face_import_resume",
        ],
        _IMPORT,
    ),
    **dict.fromkeys(
        [
            "inventory:site_create",
            "inventory:zone_create",
            "inventory:unit_create",
            "inventory:unit_remove",
            "orders:customer_create",
            "orders:ship_to_create",
            "purchasing:supplier_create",
            "purchasing:supplier_item_add",
            "purchasing:price_break_add",
            "purchasing:price_break_remove",
            "warehouse:face_edit",
            "warehouse:face_delete",
        ],
        _MASTER,
    ),
    **dict.fromkeys(
        [
            "warehouse:count_settings",
            "warehouse:work_change",
            "warehouse:transfer_edit",
            "alerts:settings",
            "alerts:subscriptions",
            "webhooks:edit",
            "purchasing:service_levels",
        ],
        _SETTING,
    ),
    **dict.fromkeys(
        [
            "returns:policy_list",
            "returns:policy_delete",
            "returns:rule_list",
            "returns:rule_delete",
            "returns:returning_suppliers",
            "returns:settings",
        ],
        _SETTING,
    ),
    "returns:receive_find": "finds the RMA a scan names and opens its receipt: writes nothing",
    **dict.fromkeys(
        ["returns:rma_reject", "returns:rma_close", "returns:rma_stop_receiving"],
        "moves an RMA's status only: a repeat finds it moved and is told so; no stock",
    ),
    "returns:rma_remove_line": "a draft's line: a repeat finds it gone, answered in words",
    "inventory:segment_recompute": "recomputes from the ledger: a second run writes the same",
    "warehouse:replenish_run": "a second run adds nothing (test_replenishment_idempotency.py)",
    "warehouse:transfer_remove_line": "a draft's line: a repeat finds it gone, answered in words",
    "alerts:acknowledge": "moves one alert once: a repeat finds it acknowledged, said in words",
    "alerts:resolve": "moves one alert once: a repeat finds it resolved, said in words",
    "reporting:audit_report_start": (
        "queues one PDF report; a repeated key replays the first answer (test_audit_trail.py)"
    ),
    "users:add": "an invitation: one pending per user and tenant (test_invitations.py)",
    "users:invitation_revoke": "withdraws one invitation; a repeat finds it withdrawn",
    "invitations:answer": "accepts or declines one invitation; a repeat finds it answered",
    "exports:start": "queues a read-only export; a repeat gets the first's job page (its key)",
}


def _names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", pattern.callback


def _claims_a_key(view) -> bool:
    while view is not None:
        if getattr(view, "idempotent", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _checked() -> set[str]:
    """The URL names the double-submit `Form`s post to."""
    found: set[str] = set()
    for path in TESTS.glob("*/test_double_submit*.py"):
        found.update(re.findall(r'reverse\(\s*"([\w:]+)"', path.read_text()))
    return found


def test_every_form_that_claims_a_key_is_double_submitted_or_says_why_not():
    claiming = {name for name, view in _names(get_resolver().url_patterns) if _claims_a_key(view)}
    assert len(claiming) > 60  # the walk found the views (69 when this was written)
    unchecked = claiming - _checked() - set(NOT_CHECKED)
    assert not unchecked, f"no double-submit test and no reason given: {sorted(unchecked)}"
    stale = set(NOT_CHECKED) - claiming
    assert not stale, f"named here but no longer a view that claims a key: {sorted(stale)}"
    checked_anyway = set(NOT_CHECKED) & _checked()
    assert not checked_anyway, f"checked now, drop them from NOT_CHECKED: {sorted(checked_anyway)}"
