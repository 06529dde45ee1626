"""What every PDF shares: the embedded Unicode font, text from data made safe for reportlab,
and the tenant's paper size.

Every text that comes from data (names, addresses, descriptions, notes) reaches a page through
`paragraph` / `cell` (flowing documents) or `draw` (labels drawn on a canvas). reportlab's
Paragraph reads its text as markup, so unescaped data could change fonts, break the document
(a 500) or embed a file from the server (`<img src=...>`); here data is always escaped and the
only markup is the one these helpers write.

DejaVu Sans (vendored in erp/fonts with its licence) covers Latin, Greek, Cyrillic, Hebrew,
Arabic and many symbols, and is embedded (subset) in every PDF. Han, kana and Hangul go to
reportlab's standard CJK fonts: their text is in the PDF (searchable, copyable) but they are not
embedded, so they show where the viewer has Asian fonts (Acrobat does; poppler needs CJK fonts
installed). Characters neither covers, such as colour emoji, print as U+FFFD. Hebrew and Arabic
print in logical order without shaping (reportlab has no bidi here)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import white
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONTS = Path(__file__).resolve().parent / "fonts"
PAPER_SIZES = {"a4": A4, "letter": LETTER}
MISSING = "\ufffd"

# CJK fallbacks by script: Japanese for kana, Korean for Hangul, Chinese for the rest of Han.
CHINESE, JAPANESE, KOREAN = "STSong-Light", "HeiseiKakuGo-W5", "HYGothic-Medium"
# Joiners and selectors that shape emoji sequences: dropped, so that a family emoji is one
# replacement character and not five.
SILENT = {0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)}


@functools.cache
def register_fonts() -> None:
    """Register the fonts once per process (reportlab keeps them in a global registry)."""
    pdfmetrics.registerFont(TTFont(FONT, FONTS / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    for name in (CHINESE, JAPANESE, KOREAN):
        pdfmetrics.registerFont(UnicodeCIDFont(name))


@functools.cache
def _covered(font: str) -> frozenset[int]:
    """The code points `font` has glyphs for (DejaVu's bold has a few fewer than its regular)."""
    register_fonts()
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def _cjk_font(code: int) -> str | None:
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return JAPANESE
    if 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xAC00 <= code <= 0xD7AF:
        return KOREAN
    if (
        0x2E80 <= code <= 0x2FDF  # radicals
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF65  # full-width forms
        or 0x20000 <= code <= 0x2FA1F
    ):
        return CHINESE
    return None


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """`text` as (font, text) runs: DejaVu where it has the glyph, a CJK font for CJK, and
    U+FFFD for anything else."""
    main = BOLD if bold else FONT
    out: list[tuple[str, str]] = []
    for char in str(text):
        code = ord(char)
        if code in SILENT:
            continue
        if code in _covered(main):
            font = main
        elif code in _covered(FONT):  # a glyph only the regular weight has
            font = FONT
        else:
            font = _cjk_font(code)
        if font is None:
            font, char = main, MISSING
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out


# Flowing documents ------------------------------------------------------------------------


class Bold(str):
    """A piece of a paragraph printed bold (a label such as "Order")."""


LINE_BREAK = object()


def markup(*pieces) -> str:
    """Paragraph markup for `pieces`: strings (printed as typed), `Bold` strings, and
    `LINE_BREAK`. The only markup in the result is written here."""
    out = []
    for piece in pieces:
        if piece is LINE_BREAK:
            out.append("<br/>")
            continue
        bold = isinstance(piece, Bold)
        for font, text in runs(piece, bold=bold):
            text = escape(text)
            if font == BOLD:
                out.append(f"<b>{text}</b>")
            elif font == FONT:
                out.append(text)
            else:
                out.append(f'<font face="{font}">{text}</font>')
    return "".join(out)


def lines(values: Iterable[str]) -> list:
    """Pieces for `markup`: each non-empty value on a line of its own."""
    out: list = []
    for value in values:
        if value:
            if out:
                out.append(LINE_BREAK)
            out.append(value)
    return out


def paragraph(*pieces, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(*pieces), style)


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """The documents' paragraph styles, all in DejaVu Sans."""
    register_fonts()
    normal = ParagraphStyle("Normal", fontName=FONT, fontSize=10, leading=12, alignment=TA_LEFT)
    return {
        "Normal": normal,
        "Cell": ParagraphStyle("Cell", parent=normal, fontSize=8, leading=10),
        "Head": ParagraphStyle(
            "Head", parent=normal, fontName=BOLD, fontSize=8, leading=10, textColor=white
        ),
        "Title": ParagraphStyle(
            "Title", parent=normal, fontName=BOLD, fontSize=16, leading=20, spaceAfter=8
        ),
        "Heading2": ParagraphStyle(
            "Heading2", parent=normal, fontName=BOLD, fontSize=12, leading=15, spaceBefore=4
        ),
    }


def cell(*pieces) -> Paragraph:
    """A table cell holding text from data (wraps inside its column)."""
    return paragraph(*pieces, style=styles()["Cell"])


def table(rows: list[list], *, widths: list[float], style: Iterable = (), **kwargs) -> Table:
    """A table whose cells start in DejaVu (reportlab sets each cell's font, Helvetica unless
    told, even for cells that hold paragraphs) and read from the top."""
    register_fonts()
    base = [("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    return Table(
        rows, colWidths=widths, style=TableStyle([*base, *style]),
        **kwargs,
    )  # fmt: skip


def page_size(tenant) -> tuple[float, float]:
    """The tenant's paper for documents (labels keep their own size)."""
    return PAPER_SIZES.get(getattr(tenant, "paper_size", ""), A4)


def document(buffer, *, title: str, pagesize, margin: float) -> SimpleDocTemplate:
    """A flowing document whose every page starts in DejaVu (reportlab's default start font,
    Helvetica, would otherwise be referenced, unembedded, by each page)."""
    register_fonts()
    return SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin, title=title, initialFontName=FONT,
    )  # fmt: skip


def canvas(buffer, *, pagesize, title: str) -> Canvas:
    """A canvas for labels, starting each page in DejaVu."""
    register_fonts()
    out = Canvas(buffer, pagesize=pagesize, pageCompression=1, initialFontName=FONT)
    out.setTitle(title)
    return out


# Canvas (labels) ---------------------------------------------------------------------------


def width(text: str, *, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, bold=bold))


def fit(text: str, *, size: float, max_width: float, bold: bool = False) -> str:
    """`text`, cut and ended with "…" when it is wider than `max_width`."""
    text = str(text)
    if width(text, size=size, bold=bold) <= max_width:
        return text
    while text and width(text + "…", size=size, bold=bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, *, size: float, max_width: float, bold: bool = False) -> list[str]:
    """`text` broken at spaces into lines no wider than `max_width` (a word wider than that
    is cut)."""
    out: list[str] = []
    for word in str(text).split():
        if out and width(f"{out[-1]} {word}", size=size, bold=bold) <= max_width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(fit(word, size=size, max_width=max_width, bold=bold))
    return out


def draw(
    canvas, x: float, y: float, text: str, *, size: float, bold: bool = False,
    align: str = "left", max_width: float | None = None,
) -> None:  # fmt: skip
    """Draw `text` from data on a canvas in the embedded font (CJK in its fallback), cut to
    `max_width`; `align` is left, centre or right of `x`."""
    register_fonts()
    if max_width is not None:
        text = fit(text, size=size, max_width=max_width, bold=bold)
    total = width(text, size=size, bold=bold)
    if align == "centre":
        x -= total / 2
    elif align == "right":
        x -= total
    for font, part in runs(text, bold=bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)
