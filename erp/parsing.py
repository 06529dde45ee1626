"""Ids typed into URLs and forms, read with bounds.

`str.isdigit()` also accepts digits such as "²" or "٣" that `int()` or PostgreSQL refuse, and
any length, which overflows a bigint: a check with it let junk through to a 500. An id here is
1 to 19 ASCII digits within PostgreSQL's bigint; anything else is no id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The positive bigint `value` spells in ASCII digits, else None."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable) -> list[int]:
    """The ids among `values`, in order; junk is dropped."""
    return [number for number in map(parse_id, values) if number is not None]
