"""Reading outbound PDFs back in tests: their text (pypdf) and their Code 128 / GS1-128
barcodes, decoded from the bars drawn in the page (so a test checks what a scanner would
read, not what the code meant to draw)."""

from __future__ import annotations

import io
from collections import defaultdict

import pypdf
from pypdf.generic import ContentStream
from reportlab.graphics.barcode.code128 import _patterns

# The Code 128 symbol table (ISO/IEC 15417) as module widths, "212222" for value 0, from
# reportlab's letters (A-D a bar of 1-4 modules, a-d a space).
WIDTHS = {
    "".join(str("abcd".index(c.lower()) + 1) for c in pattern): value
    for value, pattern in _patterns.items()
}

FNC1, START_A, START_B, START_C, STOP = 102, 103, 104, 105, 106
GS = "\x1d"


def text(pdf: bytes) -> str:
    """Every page's text with runs of whitespace as one space (table cells come out on lines
    of their own, so a row reads "1 SKU-1 Coffee 6 5 0 1")."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def fonts(pdf: bytes) -> set[str]:
    """The base font names of every page's text, without the subset tag ("ABCDEF+")."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.add(name.split("+", 1)[1] if "+" in name[:7] else name)
    return names


def embedded(pdf: bytes) -> set[str]:
    """The fonts whose program is in the file (a TrueType or CID font with a FontFile2)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])
            ]
            for descriptor in descriptors:
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's width and height in points, rounded."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages]


def _bars(page) -> list[list[tuple[float, float]]]:
    """Filled rectangles grouped into rows of one barcode each: (x, width) sorted by x."""
    rows: dict[tuple, list] = defaultdict(list)
    matrix = [1, 0, 0, 1, 0, 0]
    stack = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        op = operator.decode() if isinstance(operator, bytes) else operator
        if op == "q":
            stack.append(list(matrix))
        elif op == "Q":
            matrix = stack.pop()
        elif op == "cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = matrix
            matrix = [
                a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5],
            ]  # fmt: skip
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            if h > 5 * w:  # bars are tall and thin; other rectangles are not barcode
                key = (round(matrix[5] + y * matrix[3], 1), round(h * matrix[3], 1))
                rows[key].append((matrix[4] + x * matrix[0], w * matrix[0]))
    return [sorted(bars) for bars in rows.values()]


def _decode(bars: list[tuple[float, float]]) -> str | None:
    widths = []
    for index, (x, w) in enumerate(bars):
        widths.append(w)
        if index + 1 < len(bars):
            widths.append(bars[index + 1][0] - x - w)
    module = min(widths)
    modules = "".join(str(round(w / module)) for w in widths)
    symbols = [modules[i : i + 6] for i in range(0, len(modules) - 7, 6)]
    stop = modules[len(symbols) * 6 :]
    table = WIDTHS
    if table.get(stop) != STOP and table.get(stop[:6]) != STOP:
        return None
    values = [table.get(symbol) for symbol in symbols]
    if None in values or values[0] not in (START_A, START_B, START_C):
        return None
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:-1], start=1))) % 103
    if check != values[-1]:
        return None
    out, code = "", {START_A: "A", START_B: "B", START_C: "C"}[values[0]]
    for position, value in enumerate(values[1:-1]):
        if value == FNC1:
            out += "]C1" if position == 0 else GS
        elif code == "C" and value < 100:
            out += f"{value:02d}"
        elif value == 99:
            code = "C"
        elif value == 100:
            code = "B"
        elif value == 101:
            code = "A"
        else:
            out += chr(value + 32) if code == "B" or value < 64 else chr(value - 64)
    return out


def barcodes(pdf: bytes, page: int = 0) -> list[str]:
    """The data of every Code 128 symbol on `page`, top to bottom; a GS1-128 symbol starts
    with its symbology identifier "]C1" and separates fields with GS."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = [(bars[0], _decode(bars)) for bars in _bars(reader.pages[page]) if len(bars) > 10]
    return [data for _, data in found if data is not None]
