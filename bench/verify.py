"""verify_ledger at scale: the full check, the check from the checkpoint after new postings,
and the balance check alone as one statement (the cheapest SQL for the figure verify checks
most), timed in one process on the same tenant.

    .venv/bin/python bench/verify.py [--entries 1000000] [--postings 1000] [--rounds 3]

Each round: a full check (which leaves a checkpoint), `--postings` 2-line postings through
`ledger.post`, the check from the checkpoint, and the reference statement; rounds alternate
the order of the full check and the reference so that drift in the machine's load favours
neither. Each figure is checked for its work: the full check read every entry of the tenant
(counted separately) and found nothing, the check from the checkpoint read exactly the new
postings' entries and advanced the checkpoint over them.

Data: the `bench-ledger-verify-<entries>` tenant of bench/ledger_post.py, generated the same
way when missing (about a minute and a half per million entries on 2 cores); each round adds
2 x `--postings` entries to it.

Last line: `verify_full_ratio <full check seconds / reference seconds>` (best of the rounds).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402
from ledger_post import (  # noqa: E402
    BALANCE_CHECK,
    GENERATE_MOVES,
    Job,
    Pool,
    analyze,
    ensure_tenant,
)

from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.ledger.verify import Outcome  # noqa: E402
from inventory.models import Item, Location, StockEntry  # noqa: E402


def entries_of(tenant_id: int) -> int:
    with tenant_context(tenant_id, durable=True):
        return StockEntry.objects.filter(tenant_id=tenant_id).count()


def generate(stock, missing: int) -> float:
    postings = -(-missing // (2 * GENERATE_MOVES))
    pool = Pool(2)
    try:
        started = time.perf_counter()
        pool.run(
            [
                Job("generate", stock, stock.item_ids[n::2], stock.location_ids, seed=n,
                    postings=postings // 2 + (n < postings % 2))
                for n in range(2)
            ]
        )  # fmt: skip
        return time.perf_counter() - started
    finally:
        pool.close()
        analyze()


def post_moves(tenant: Tenant, count: int, rng: random.Random) -> None:
    with tenant_context(tenant, durable=True):
        items = list(Item.objects.filter(tenant=tenant)[:100])
        locations = list(Location.objects.filter(tenant=tenant, kind="bin")[:100])
    for _ in range(count):
        source, destination = rng.sample(locations, 2)
        move = ledger.Move(
            item=rng.choice(items), quantity=Decimal(1), source=source, destination=destination
        )
        with tenant_context(tenant, durable=True):
            ledger.post(tenant=tenant, user=None, kind="move", moves=[move])


def timed_check(tenant_id: int, *, full: bool) -> tuple[float, Outcome]:
    started = time.perf_counter()
    with tenant_context(tenant_id, durable=True):
        outcome = ledger.check(tenant_id=tenant_id, full=full)
    return time.perf_counter() - started, outcome


def timed_reference(tenant_id: int) -> tuple[float, int]:
    started = time.perf_counter()
    with tenant_context(tenant_id, durable=True), connection.cursor() as cursor:
        cursor.execute(BALANCE_CHECK, {"t": tenant_id})
        found = len(cursor.fetchall())
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--postings", type=int, default=1000, help="between the two checks")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    stock = ensure_tenant(f"bench-ledger-verify-{args.entries}", items=100, bins=100)
    tenant = Tenant.objects.get(pk=stock.tenant_id)
    have = entries_of(tenant.pk)
    if have < args.entries:
        seconds = generate(stock, args.entries - have)
        print(f"generated {entries_of(tenant.pk) - have} entries in {seconds:.0f} s")
    print(f"tenant {tenant.slug} (id {tenant.pk}), postgres {connection.pg_version}")

    rng = random.Random(15)
    times: dict[str, list[float]] = {"full": [], "incremental": [], "reference": []}
    failures = []
    for n in range(args.rounds):
        entries = entries_of(tenant.pk)
        order = ["full", "reference"] if n % 2 == 0 else ["reference", "full"]
        for name in order:
            if name == "full":
                seconds, outcome = timed_check(tenant.pk, full=True)
                if outcome.entries_checked != entries or not outcome.clean:
                    failures.append(f"full: read {outcome.entries_checked} of {entries}, "
                                    f"{outcome.total_differences} differences")  # fmt: skip
                if not outcome.record.is_checkpoint:
                    failures.append(f"full: no checkpoint ({outcome.note})")
            else:
                seconds, found = timed_reference(tenant.pk)
                if found:
                    failures.append(f"reference: {found} differences")
            times[name].append(seconds)
        post_moves(tenant, args.postings, rng)
        seconds, outcome = timed_check(tenant.pk, full=False)
        times["incremental"].append(seconds)
        if (outcome.entries_checked, outcome.total_differences) != (2 * args.postings, 0) or (
            outcome.record.entries != entries + 2 * args.postings
        ):
            failures.append(
                f"incremental: read {outcome.entries_checked} (expected {2 * args.postings}), "
                f"{outcome.total_differences} differences, checkpoint covers "
                f"{outcome.record.entries} (expected {entries + 2 * args.postings})"
            )
        print(
            f"round {n + 1}: {entries} entries; full {times['full'][-1]:.2f} s, reference "
            f"{times['reference'][-1]:.2f} s, incremental {seconds:.3f} s after "
            f"{args.postings} postings ({outcome.entries_checked} entries read)"
        )

    best = {name: min(t) for name, t in times.items()}
    print()
    for name, t in times.items():
        print(f"{name}_seconds best {best[name]:.3f} median {statistics.median(t):.3f}")
    print(f"incremental_to_full {best['incremental'] / best['full']:.4f}")
    for failure in failures:
        print(f"FAILED {failure}")
    print(f"verify_full_ratio {best['full'] / best['reference']:.2f}")


if __name__ == "__main__":
    main()
