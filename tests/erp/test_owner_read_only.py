"""The owner (executives) reads and posts nothing: it opens its landing page, the reports, the
valuation, the finance registers, backorders, alerts and its exports; every page it opens
offers only the forms it may send (its session, its exports, its alerts); every endpoint that
changes business state refuses it with 403 and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.services.adjustments import request_adjustment
from tests.erp.test_safe_pages import _fingerprint
from tests.erp.test_url_coverage import (
    ALL,
    OBJECT_URLS,
    OWN_OBJECT_URLS,
    POST_ONLY,
    _alert,
    _credit,
    _sales_order,
)
from tests.factories import (
    AlertFactory,
    CustomerFactory,
    ItemFactory,
    PurchaseOrderFactory,
    bin_in,
    confirmed_order,
    member,
)
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db

# What the owner may send: its session (sign out, organisation and site in the top bar, its
# password, answering an invitation), its exports, and its own inbox (acknowledging an alert
# routed to it says "seen"; resolving one stays the staff's) and alert e-mails.
OWNER_MAY_POST = {
    "accounts:logout",
    "accounts:password_change",
    "switch_tenant",
    "inventory:switch_site",
    "invitations:answer",
    "exports:start",
    "alerts:acknowledge",
    "alerts:subscriptions",
}

# The pages the owner reads (issue: an owner role, read-only).
OWNER_PAGES = [
    "home",
    "reporting:service_level",
    "reporting:backorder_aging",
    "reporting:cycle_time",
    "reporting:throughput",
    "reporting:inventory_accuracy",
    "reporting:turns",
    "reporting:excess_and_dead",
    "reporting:supplier_scorecard",
    "inventory:valuation",
    "inventory:valuation_items",
    "inventory:valuation_layers",
    "inventory:valuation_layer_entries",
    "finance:write_off_register",
    "returns:credit_list",
    "returns:credit_export",
    "orders:backorder_list",
    "alerts:inbox",
    "alerts:detail",
    "alerts:subscriptions",
    "exports:list",
    "accounts:password_change",
]


def _owner_alert(tenant) -> dict:
    """An open alert routed to the owner, so that its inbox draws the acknowledge form."""
    return {"pk": AlertFactory(tenant=tenant, roles=[Role.SUPERVISOR.value, Role.OWNER.value]).pk}


def _write_off(tenant):
    """1 of 5 received written off as damaged (below the approval threshold: posted at once)."""
    item = ItemFactory(tenant=tenant, sku="DENTED")
    bin = bin_in(tenant)
    receive(tenant, item, bin, 5)
    with tenant_context(tenant):
        return request_adjustment(
            tenant=tenant, user=member(tenant, Role.SUPERVISOR), item=item,
            location=ledger.bin_location(tenant=tenant, bin=bin), quantity=Decimal(-1),
            reason_code="damaged",
        )  # fmt: skip


def _with_work(name: str, tenant) -> None:
    """What a page must show for its forms and row links to render: a credit waiting for a
    decision, an alert the owner may acknowledge, a write-off, a backorder."""
    if name == "returns:credit_list":
        _credit(tenant)
    elif name == "alerts:inbox":
        _owner_alert(tenant)
    elif name == "finance:write_off_register":
        _write_off(tenant)
    elif name == "orders:backorder_list":
        item = ItemFactory(tenant=tenant, sku="NONE-LEFT")
        confirmed_order(CustomerFactory(tenant=tenant), bin_in(tenant).site, [(item, 3)])


def _kwargs(name: str, tenant, user):
    if name in OWN_OBJECT_URLS:
        return OWN_OBJECT_URLS[name](tenant, user)
    return OBJECT_URLS[name](tenant) if name in OBJECT_URLS else None


class _Targets(HTMLParser):
    """Where the page's POST forms (and their buttons' formaction) and htmx posts go, and the
    pages of this site its links lead to."""

    def __init__(self):
        super().__init__()
        self.targets: list[str] = []
        self.links: list[str] = []
        self._posting: list[bool] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"])
        if tag == "form":
            posting = (a.get("method") or "get").lower() == "post"
            self._posting.append(posting)
            if posting:
                self.targets.append(a.get("action") or "")
        elif a.get("formaction") is not None and self._posting and self._posting[-1]:
            self.targets.append(a["formaction"])
        if a.get("hx-post") is not None:
            self.targets.append(a["hx-post"])

    def handle_endtag(self, tag):
        if tag == "form" and self._posting:
            self._posting.pop()


def _url_name(target: str, page: str) -> str:
    match = resolve(urlsplit(target).path or urlsplit(page).path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def _owner_may_open(href: str) -> bool:
    try:
        match = resolve(urlsplit(href).path)
    except Resolver404:  # static files and the like
        return True
    allowed = getattr(match.func, "allowed_roles", None)
    return allowed is None or Role.OWNER in allowed


def test_the_owners_pages_are_all_it_may_read_of_the_list():
    """Each page of the list is one the owner's role may open (a typo here is caught)."""
    allowed = {
        name for name, pattern in ALL if Role.OWNER in (pattern.callback.allowed_roles or ())
    }
    assert set(OWNER_PAGES) - allowed == set()


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_the_owner_opens_its_page(name, client, tenant_a):
    owner = member(tenant_a, Role.OWNER)
    _with_work(name, tenant_a)
    client.force_login(owner)
    assert client.get(reverse(name, kwargs=_kwargs(name, tenant_a, owner))).status_code == 200


def test_no_endpoint_that_only_posts_lets_the_owner_in_unless_it_is_its_own():
    """A role set that gains the owner must not open a write: the POST-only endpoints the owner
    passes are its session's, its exports' and its inbox's."""
    open_to_owner = {
        name
        for name, pattern in ALL
        if name in POST_ONLY and Role.OWNER in (pattern.callback.allowed_roles or ())
    }
    assert open_to_owner <= OWNER_MAY_POST, sorted(open_to_owner - OWNER_MAY_POST)


READ_PAGES = [
    name
    for name, pattern in ALL
    if name not in POST_ONLY and Role.OWNER in (pattern.callback.allowed_roles or ())
]


@pytest.mark.parametrize("name", READ_PAGES)
def test_every_page_the_owner_opens_offers_only_what_it_may_use(name, client, tenant_a):
    """No form or button posting what the owner may not send, and no link to a page it may not
    open (a figure or a "New ..." button leading to a 403)."""
    owner = member(tenant_a, Role.OWNER)
    _with_work(name, tenant_a)
    url = reverse(name, kwargs=_kwargs(name, tenant_a, owner))
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    if "html" not in response.get("Content-Type", ""):
        return  # a CSV or a PDF
    parser = _Targets()
    parser.feed(response.content.decode())
    offered = {_url_name(target, url) for target in parser.targets}
    assert offered <= OWNER_MAY_POST, f"{url} offers the owner {sorted(offered - OWNER_MAY_POST)}"
    refused = sorted({href for href in parser.links if not _owner_may_open(href)})
    assert refused == [], f"{url} links the owner to pages it may not open"


def test_the_write_off_register_names_adjustments_the_owner_cannot_open_without_a_link(
    client, tenant_a
):
    adjustment = _write_off(tenant_a)
    client.force_login(member(tenant_a, Role.OWNER))
    html = client.get(reverse("finance:write_off_register")).content.decode()
    assert f"ADJ-{adjustment.pk}" in html
    assert reverse("inventory:adjustment_detail", args=[adjustment.pk]) not in html
    transaction = reverse("inventory:transaction_detail", args=[adjustment.transaction_id])
    assert f'href="{transaction}"' in html  # the ledger's posting, which the owner reads
    client.force_login(member(tenant_a, Role.ADMIN))
    html = client.get(reverse("finance:write_off_register")).content.decode()
    assert reverse("inventory:adjustment_detail", args=[adjustment.pk]) in html


def test_the_owners_inbox_offers_acknowledging_its_alert(client, tenant_a):
    owner = member(tenant_a, Role.OWNER)
    alert = _owner_alert(tenant_a)["pk"]
    client.force_login(owner)
    html = client.get(reverse("alerts:inbox")).content.decode()
    assert reverse("alerts:acknowledge", args=[alert]) in html
    detail = client.get(reverse("alerts:detail", args=[alert])).content.decode()
    assert reverse("alerts:acknowledge", args=[alert]) in detail
    assert reverse("alerts:resolve", args=[alert]) not in detail


def test_the_owner_may_acknowledge_an_alert_routed_to_it(client, tenant_a):
    """Acknowledging says "seen" on the owner's own inbox: the one change it may make."""
    from erp.alerts.models import Alert

    owner = member(tenant_a, Role.OWNER)
    pk = _owner_alert(tenant_a)["pk"]
    client.force_login(owner)
    response = client.post(reverse("alerts:acknowledge", args=[pk]), {"note": "Seen"})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        alert = Alert.objects.get(pk=pk)
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", owner)


def _draft_purchase_order(tenant) -> dict:
    return {"pk": PurchaseOrderFactory(supplier__tenant=tenant).pk}


# Writes the owner must be refused: (URL name, its arguments, what a real user would post).
# Several are on pages the owner reads (a purchase order's and a sales order's actions, a
# credit's decision, an alert's resolution, a ledger reversal), the rest are the desks' forms.
WRITES = [
    ("purchasing:order_action", _draft_purchase_order, {"action": "approve"}),
    (
        "orders:order_action",
        lambda t: {"pk": _sales_order(t, lines=1)[0].pk},
        {"action": "confirm"},
    ),
    ("returns:credit_approve", _credit, {"note": "fine"}),
    ("returns:credit_reject", _credit, {"note": "no"}),
    ("alerts:resolve", _alert, {"note": "dealt with"}),
    ("inventory:transaction_reverse", OBJECT_URLS["inventory:transaction_reverse"], {}),
    (
        "inventory:adjustment_decide",
        OBJECT_URLS["inventory:adjustment_decide"],
        {"decision": "approve"},
    ),
    ("inventory:adjustment_create", None, {"quantity": "5", "reason_code": "found"}),
    ("inventory:item_create", None, {"sku": "OWN-1", "description": "Owner's item"}),
    ("inventory:segment_recompute", None, {}),
    ("purchasing:order_create", None, {}),
    ("purchasing:planning_run_start", None, {}),
    ("purchasing:suggestion_accept", None, {}),
    ("orders:order_create", None, {}),
    ("orders:pool_allocate", None, {}),
    ("returns:rma_create", None, {}),
    ("warehouse:count_create", None, {}),
    ("warehouse:replenish_run", None, {}),
    ("reporting:audit_report_start", None, {}),
    ("users:add", None, {"email": "new@example.com", "role": "owner"}),
    ("organisation", None, {"name": "Owned"}),
]


@pytest.mark.parametrize("name,build,data", WRITES, ids=[w[0] for w in WRITES])
def test_the_owner_is_refused_every_write_and_changes_nothing(name, build, data, client, tenant_a):
    kwargs = build(tenant_a) if build else None
    url = reverse(name, kwargs=kwargs)
    client.force_login(member(tenant_a, Role.OWNER))
    before = _fingerprint(tenant_a)

    response = client.post(url, data)

    assert response.status_code == 403
    after = _fingerprint(tenant_a)
    assert sorted(t for t in before if before[t] != after.get(t)) == []
