"""Reading a list page's export in tests: the streamed CSV as rows."""

from __future__ import annotations

import csv
import io


def csv_rows(response) -> list[list[str]]:
    """The rows of a streamed CSV export (its byte-order mark dropped)."""
    assert response.streaming, response.content[:500]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))
