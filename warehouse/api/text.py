"""Text a client sends (a filter, a code in a body). PostgreSQL refuses a NUL character in a
string, so one reaching a query fails the request with a 500 in the middle of its transaction;
the schema refuses it up front (422), as it does an id out of range."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

NO_NUL = r"^[^\x00]*$"


def text(max_length: int = 100, *, min_length: int = 0):
    """A string of at most `max_length` characters without NUL."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


# A code, number or SKU looked up by a filter: longer than any stored one simply finds nothing.
Code = text(100, min_length=1)
