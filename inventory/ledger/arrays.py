"""PostgreSQL array literals for the ledger's set-based statements.

The statements take their rows as arrays (`unnest(%s::bigint[], ...)`). Handed a Python list,
psycopg inspects every element to choose a type and quote it, which cost a quarter of a small
posting's client CPU and most of a large one's; a literal string cast in the statement costs
one join. Values here are the ledger's own ids, quantities, statuses and codes.
"""

from __future__ import annotations


def ints(values) -> str:
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"


def numbers(values) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


def texts(values) -> str:
    return (
        "{"
        + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        + "}"
    )


def bools(values) -> str:
    return "{" + ",".join("t" if v else "f" for v in values) + "}"
