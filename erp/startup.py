"""What a serving process does once its code is loaded, before its first request."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load every view (the URLconf imports them), then put everything loaded so far out of
    the garbage collector's way (`gc.freeze`).

    Django, the apps and their modules are about 245,000 objects that live as long as the
    process, and each full collection traversed them all: 100-170 ms stalls every few hundred
    requests, which made most of the p95 figures over 300 ms in `bench/pages.py` at 10^7
    entries (pages whose p50 was 20-130 ms). Collections now traverse only what requests
    allocate (a full one: 1.2 ms instead of 108-134 ms).
    """
    get_resolver().url_patterns  # noqa: B018 - the import of every view module
    gc.collect()  # what loading left behind is freed, not frozen
    gc.freeze()
