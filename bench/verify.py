"""verify_ledger at scale: the full check, the check from the checkpoint after new postings,
and the balance check alone as one statement (the cheapest SQL for the figure verify checks
most), timed in one process on the same tenant.

    .venv/bin/python bench/verify.py [--entries 1000000] [--postings 1000] [--rounds 3]
                                     [--tenant SLUG]

Each round: a full check (which leaves a checkpoint), `--postings` 2-line postings through
`ledger.post`, the check from the checkpoint, and the reference statement; rounds alternate
the order of the full check and the reference so that drift in the machine's load favours
neither. Each figure is checked for its work: the full check read every entry of the tenant
(counted separately) and found nothing, the check from the checkpoint read exactly the new
postings' entries and advanced the checkpoint over them.

Data: the `bench-ledger-verify-<entries>` tenant of bench/ledger_post.py, generated the same
way when missing (about a minute and a half per million entries on 2 cores); each round adds
2 x `--postings` entries to it.

`--tenant SLUG` runs the same rounds on an existing tenant instead (the one
`manage.py seed_scale` made; `--entries` is then ignored): each posting moves 1 unit out of one
of the tenant's 100 largest available real balances without serial (with its lot, if any) into
another pick face or reserve bin of the same site. The run takes no source below what is
available (on hand less reserved) when it starts, so it never meets `InsufficientStock`; it
stops before posting if those balances cannot give `--rounds` x `--postings` units. Each round
adds 2 x `--postings` entries to that tenant, for good: run it on a bench tenant.

Last line: `verify_full_ratio <full check seconds / reference seconds>` (best of the rounds).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
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
from inventory.models import (  # noqa: E402
    BinType,
    Item,
    Location,
    LocationKind,
    Lot,
    StockBalance,
    StockEntry,
    StockStatus,
)

SOURCES = 100  # the largest available balances a real tenant's moves take from


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


def synthetic_moves(tenant: Tenant, rng: random.Random):
    """The bench tenant's moves: 1 unit of one of its first 100 items between two of its bins."""
    with tenant_context(tenant, durable=True):
        items = list(Item.objects.filter(tenant=tenant)[:100])
        locations = list(Location.objects.filter(tenant=tenant, kind="bin")[:100])

    def next_move() -> ledger.Move:
        source, destination = rng.sample(locations, 2)
        return ledger.Move(
            item=rng.choice(items), quantity=Decimal(1), source=source, destination=destination
        )

    return next_move


def real_moves(tenant: Tenant, rng: random.Random, units: int):
    """1-unit moves a real tenant can post: out of its largest available balances (no serial;
    with the balance's lot), each into another pick face or reserve bin of the same site. What
    each source may still give is counted down here, so no move finds too little stock."""
    available = F("on_hand") - F("reserved")
    with tenant_context(tenant, durable=True):
        sources = list(
            StockBalance.objects.filter(
                tenant=tenant, is_real=True, status=StockStatus.AVAILABLE, serial__isnull=True,
                on_hand__gt=F("reserved"),
            )
            .annotate(available=available)
            .order_by("-available", "pk")
            .values_list("item_id", "location_id", "lot_id", "site_id", "available")[:SOURCES]
        )  # fmt: skip
        bins: dict[int, list[int]] = {}
        for pk, site_id in Location.objects.filter(
            tenant=tenant, kind=LocationKind.BIN, site_id__in={s[3] for s in sources},
            bin__bin_type__in=[BinType.PICK_FACE, BinType.RESERVE],
        ).values_list("pk", "site_id"):  # fmt: skip
            bins.setdefault(site_id, []).append(pk)
        sources = [s for s in sources if set(bins.get(s[3], ())) - {s[1]}]
        items = Item.objects.in_bulk({s[0] for s in sources})
        locations = Location.objects.in_bulk(
            {s[1] for s in sources} | {pk for pks in bins.values() for pk in pks}
        )
        lots = Lot.objects.in_bulk({s[2] for s in sources if s[2]})
    left = [int(s[4]) for s in sources]
    if sum(left) < units:
        sys.exit(
            f"{tenant.slug}: its {len(sources)} largest available balances hold {sum(left)} "
            f"units; the run moves {units}. Fewer --rounds or --postings."
        )
    print(
        f"moves: 1 unit from {len(sources)} balances ({sum(1 for s in sources if s[2])} of a "
        f"lot; {min(left)} to {max(left)} available) "
        f"into {sum(len(b) for b in bins.values())} pick face and reserve bins"
    )
    live = [n for n, q in enumerate(left) if q]

    def next_move() -> ledger.Move:
        at = rng.randrange(len(live))
        n = live[at]
        item_id, location_id, lot_id, site_id, _ = sources[n]
        destination = location_id
        while destination == location_id:
            destination = rng.choice(bins[site_id])
        left[n] -= 1
        if not left[n]:
            live[at] = live[-1]
            live.pop()
        return ledger.Move(
            item=items[item_id], quantity=Decimal(1), source=locations[location_id],
            destination=locations[destination], lot=lots.get(lot_id),
        )  # fmt: skip

    return next_move


def post_moves(tenant: Tenant, count: int, next_move) -> None:
    for _ in range(count):
        move = next_move()
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
    parser.add_argument("--tenant", help="an existing tenant's slug (seed_scale's) to run on")
    args = parser.parse_args()

    rng = random.Random(15)
    if args.tenant:
        tenant = Tenant.objects.filter(slug=args.tenant).first()
        if tenant is None:
            sys.exit(f"No tenant {args.tenant}: make it with manage.py seed_scale first.")
    else:
        stock = ensure_tenant(f"bench-ledger-verify-{args.entries}", items=100, bins=100)
        tenant = Tenant.objects.get(pk=stock.tenant_id)
        have = entries_of(tenant.pk)
        if have < args.entries:
            seconds = generate(stock, args.entries - have)
            print(f"generated {entries_of(tenant.pk) - have} entries in {seconds:.0f} s")
    print(
        f"tenant {tenant.slug} (id {tenant.pk}): {entries_of(tenant.pk)} entries, "
        f"postgres {connection.pg_version}"
    )
    if args.tenant:
        next_move = real_moves(tenant, rng, args.rounds * args.postings)
    else:
        next_move = synthetic_moves(tenant, rng)

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
        post_moves(tenant, args.postings, next_move)
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
