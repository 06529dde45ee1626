"""`seed_scale` builds a tenant with a consistent history, resumes, and adds nothing when
run again at the same size."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from erp.models import Membership, Tenant
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Bin, Item, Lot, Site, StockBalance, StockEntry, StockTransaction
from orders.models import SalesOrder
from purchasing.models import PurchaseOrder

pytestmark = pytest.mark.django_db

SMALL = ["--tenant", "scale", "--items", "50", "--years", "2", "--moves", "100"]


def _seed(entries: int) -> str:
    out = io.StringIO()
    call_command("seed_scale", *SMALL, "--entries", str(entries), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _counts(tenant):
    with tenant_context(tenant):
        return {
            "entries": StockEntry.objects.count(),
            "transactions": StockTransaction.objects.count(),
            "items": Item.objects.count(),
            "lots": Lot.objects.count(),
            "bins": Bin.objects.count(),
            "purchase orders": PurchaseOrder.objects.count(),
            "sales orders": SalesOrder.objects.count(),
            "members": Membership.objects.filter(tenant=tenant).count(),
        }


def _history(tenant):
    with tenant_context(tenant):
        return list(
            StockTransaction.objects.order_by("idempotency_key").values_list(
                "idempotency_key", "posted_at", "kind"
            )
        )


def test_a_small_tenant_is_complete_consistent_and_idempotent():
    output = _seed(2000)
    tenant = Tenant.objects.get(slug="scale")
    counts = _counts(tenant)
    assert counts["entries"] == 2000
    assert counts["items"] == 50
    # 10 lot-tracked items (every fifth) with a lot per quarter of two years.
    assert counts["lots"] == 80
    # Per site: 8 docks, 25 pick faces, 13 reserve bins, 4 shipping lanes.
    assert counts["bins"] == 100
    assert counts["members"] == 5
    assert counts["purchase orders"] > 0 and counts["sales orders"] > 0
    assert "operator@scale.example" in output and "ledger consistent" in output
    with tenant_context(tenant):
        assert Site.objects.count() == 2
        assert ledger.verify(tenant.pk) == []
        assert not StockBalance.objects.filter(is_real=True, on_hand__lt=0).exists()
        assert Item.objects.filter(costing_method="average").count() == 15
    history = _history(tenant)
    assert {kind for _, _, kind in history} >= {
        "receipt", "putaway", "replenishment", "shipment", "transfer", "move",
    }  # fmt: skip
    times = [at for _, at, _ in history]
    assert times == sorted(times)

    _seed(2000)
    assert _counts(tenant) == counts


def test_an_interrupted_run_finishes_on_the_next_one():
    _seed(600)
    tenant = Tenant.objects.get(slug="scale")
    assert _counts(tenant)["entries"] == 600
    first = len(_history(tenant))
    _seed(2000)
    assert _counts(tenant)["entries"] == 2000
    history = _history(tenant)
    # The second run went on from the first one's last posting in number; in time each run
    # rises, and the second spreads its postings over the years from where 600 of 2,000
    # entries fall (30% of two years), not into the moments after the first run ended.
    assert [key for key, _, _ in history] == [f"seed:0:{n:09d}" for n in range(len(history))]
    times = [at for _, at, _ in history]
    assert times[:first] == sorted(times[:first])
    assert times[first:] == sorted(times[first:])
    years = times[first - 1] - times[0]
    assert times[first] < times[first - 1] - years / 2
    with tenant_context(tenant):
        assert ledger.verify(tenant.pk) == []
