"""Reading an uploaded CSV for an importer: header, records, file line numbers, blank lines.

The framework checks what every kind of file shares (a header naming known columns, the same
number of fields on every line, readable CSV); the importer's check function sees only
well-formed lines and judges their cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from erp.imports.registry import Importer

PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class Line:
    number: int  # the file's line number (the last one, for a quoted cell spanning lines)
    cells: dict[str, str]  # column -> stripped text, for the columns the header names


@dataclass
class Checked:
    rows: list[dict]
    errors: list[dict]
    total: int  # non-blank lines after the header


def _header_problem(importer: Importer, header: list[str]) -> str | None:
    missing = importer.required - set(header)
    unknown = [h for h in header if h not in importer.column_names]
    twice = len(set(header)) != len(header)
    if not (missing or unknown or twice):
        return None
    parts = []
    if missing:
        parts.append("missing column(s): " + ", ".join(sorted(missing)))
    if unknown:
        parts.append("unknown column(s): " + ", ".join(unknown))
    if twice:
        parts.append("a column appears twice")
    expected = ", ".join(importer.column_names)
    return f"Header: {'; '.join(parts)}. Expected: {expected}."


def check_text(
    *,
    importer: Importer,
    tenant,
    text: str,
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Parse `text` and check every line with `importer.check`; nothing is written.

    Errors carry the file's line number and come sorted by it. `progress(lines_read)` is
    called every few thousand lines.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        return Checked([], [{"line": 1, "message": "The file has no header row."}], 0)
    problem = _header_problem(importer, header)
    if problem:
        return Checked([], [{"line": 1, "message": problem}], 0)

    errors: list[dict] = []
    total = 0

    def lines() -> Iterator[Line]:
        nonlocal total
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                errors.append(
                    {"line": reader.line_num, "message": f"the CSV cannot be read here: {exc}"}
                )
                return
            if not any(cell.strip() for cell in record):
                continue
            total += 1
            if progress is not None and total % PROGRESS_EVERY == 0:
                progress(total)
            if len(record) != len(header):
                errors.append(
                    {
                        "line": reader.line_num,
                        "message": f"has {len(record)} fields; the header has {len(header)}",
                    }
                )
                continue
            cells = {name: value.strip() for name, value in zip(header, record, strict=True)}
            yield Line(reader.line_num, cells)

    rows, row_errors = importer.check(tenant=tenant, lines=lines())
    errors = sorted(errors + row_errors, key=lambda e: e["line"])
    if total == 0 and not errors:
        errors.append(
            {"line": 2, "message": f"The file has a header but no {importer.noun_plural}."}
        )
    return Checked(rows, errors, total)
