"""CSV and XLSX written as a stream of byte chunks, a chunk of rows at a time, so memory stays
bounded whatever the number of rows.

XLSX is written here rather than with XlsxWriter: an XLSX workbook of one sheet is five small
XML parts and a sheet of rows in a zip, and `zipfile` writes a zip to a stream that cannot
seek (with data descriptors), so the sheet goes out while it is being written. XlsxWriter
would need a temporary file holding the whole workbook before the first byte could be sent,
and a new dependency for what is about 100 lines here.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from erp.exports.cells import csv_cell

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with one


def csv_chunks(header: list[str], chunks: Iterable[list[list]]) -> Iterator[bytes]:
    """UTF-8 CSV: the header, then each chunk of plain rows as one piece of bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([csv_cell(label) for label in header])
    for rows in chunks:
        writer.writerows([csv_cell(v) for v in row] for row in rows)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)  # fmt: skip
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell styles: 0 plain, 1 date, 2 date and time, 3 bold (the header).
_DATE, _DATETIME, _BOLD = 1, 2, 3
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
# XML 1.0 allows no control characters but tab, newline and carriage return.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system


def _workbook(sheet_name: str) -> str:
    name = escape(re.sub(r"[\[\]:*?/\\]", " ", sheet_name)[:31] or "Export", {'"': "&quot;"})
    return (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _column_letters(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(ref: str, text: str, style: int = 0) -> str:
    text = _ILLEGAL.sub("", text)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _cell(ref: str, value) -> str:
    """Numbers as numbers, dates as date serials with a date format, the rest as inline text
    (which a spreadsheet never evaluates, so needs no neutralising)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | decimal.Decimal | float):
        if isinstance(value, float) and not math.isfinite(value):
            return _text(ref, str(value))
        number = format(value, "f") if isinstance(value, decimal.Decimal) else repr(value)
        return f'<c r="{ref}"><v>{number}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        serial = (value - _EPOCH.date()).days
        return f'<c r="{ref}" s="{_DATE}"><v>{serial}</v></c>'
    return _text(ref, str(value))


class _Sink:
    """A write-only file for `zipfile` that hands over what was written since the last call;
    having no `tell`/`seek`, it makes zipfile write a streamable zip."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def xlsx_chunks(
    header: list[str], chunks: Iterable[list[list]], *, sheet_name: str = "Export"
) -> Iterator[bytes]:
    """An XLSX workbook of one sheet (header row in bold, frozen), streamed chunk by chunk."""
    sink = _Sink()
    letters = [_column_letters(n) for n in range(len(header))]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(sheet_name))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            cells = "".join(
                _text(f"{letters[n]}1", str(label), _BOLD) for n, label in enumerate(header)
            )
            sheet.write((_SHEET_START + f'<row r="1">{cells}</row>').encode())
            number = 1
            for rows in chunks:
                parts = []
                for row in rows:
                    number += 1
                    cells = "".join(_cell(f"{letters[n]}{number}", v) for n, v in enumerate(row))
                    parts.append(f'<row r="{number}">{cells}</row>')
                sheet.write("".join(parts).encode())
                if data := sink.take():  # the compressor may still be holding it all
                    yield data
            sheet.write(_SHEET_END.encode())
    yield sink.take()
