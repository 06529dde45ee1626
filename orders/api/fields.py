"""Bounded input types for the orders API bodies: every string fits its column and holds no
NUL (which PostgreSQL refuses), so bad input is a 422 before any service runs."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints


def text(max_length: int, *, min_length: int = 0) -> type[str]:
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=r"^[^\x00]*$"),
    ]


def code(max_length: int) -> type[str]:
    """A code as the pages take it: no spaces, no NUL."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length, pattern=r"^[^\s\x00]+$"),
    ]


# A code of a supplier, customer or site (all at most 20 characters), as a body field or filter.
Code = code(20)
