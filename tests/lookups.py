"""Helpers for the search-as-you-type tests: ask a lookup view, read the codes it offers."""

from __future__ import annotations

import re

BAD_QUERIES = ["x" * 10_000, "BL\x00UE", "\x00", "a\nb"]


def offered(client, url: str, query: str, **params) -> list[str]:
    """The codes the lookup at `url` offers for `query`, in order (asserting a 200)."""
    response = client.get(url, {"q": query, **params})
    assert response.status_code == 200, response.status_code
    return re.findall(r'data-value="([^"]*)"', response.content.decode())
