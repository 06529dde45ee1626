"""Bounded input types for API filters and bodies: every string fits its column and holds no
NUL (which PostgreSQL refuses mid-transaction), so junk is a 422 from the schema before any
service runs, and the bounds are in the published schema for clients to see."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

NO_NUL = r"^[^\x00]*$"


def text(max_length: int, *, min_length: int = 0) -> type[str]:
    """Free text (a note, a reference): anything but NUL."""
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL)
    ]


def code(max_length: int) -> type[str]:
    """A code as the pages take it (SKU, site, customer, document number): no blanks and no
    control characters."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length, pattern=r"^[^\x00-\x20\x7f]+$"),
    ]


# A code of a supplier, customer or site (all at most 20 characters), as a body field or filter.
Code = code(20)
# A code, number or SKU a filter looks up: one longer than any stored simply finds nothing.
Lookup = text(100, min_length=1)
