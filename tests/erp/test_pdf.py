"""The shared PDF helpers: text from data escaped, fonts chosen per character."""

from __future__ import annotations

import io
import re
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.platypus import SimpleDocTemplate

from erp import pdf
from erp.models import PaperSize, Tenant
from tests.warehouse import pdfs


def test_markup_is_escaped_and_only_the_helpers_own_tags_remain():
    assert pdf.markup(pdf.Bold("Name"), " ", '<img src="/etc/passwd"/> & <b>') == (
        '<b>Name</b> &lt;img src="/etc/passwd"/&gt; &amp; &lt;b&gt;'
    )


def test_characters_dejavu_lacks_go_to_a_cjk_font_or_print_as_a_replacement_character():
    assert pdf.runs("Łódź Москва") == [(pdf.FONT, "Łódź Москва")]
    assert pdf.runs("東京 カタ 서울", bold=True) == [
        (pdf.CHINESE, "東京"), (pdf.BOLD, " "), (pdf.JAPANESE, "カタ"), (pdf.BOLD, " "),
        (pdf.KOREAN, "서울"),
    ]  # fmt: skip
    # An emoji DejaVu lacks is one replacement character, its skin tone and joiners dropped.
    assert pdf.runs("Cafe \U0001f469\U0001f3fd\u200d\U0001f373!") == [
        (pdf.FONT, "Cafe \ufffd\ufffd!")
    ]
    # Symbols DejaVu has stay as they are.
    assert pdf.runs("☕ € ✓") == [(pdf.FONT, "☕ € ✓")]


def test_cjk_text_stays_text_in_the_pdf():
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer)
    document.build([pdf.paragraph("Tokyo 東京都 Łódź 🍩", style=pdf.styles()["Normal"])])
    assert pdfs.text(buffer.getvalue()) == "Tokyo 東京都 Łódź \ufffd"


def test_paper_size_follows_the_tenant():
    assert pdf.page_size(Tenant(paper_size=PaperSize.LETTER)) == LETTER
    assert pdf.page_size(Tenant(paper_size=PaperSize.A4)) == A4


def test_fit_cuts_long_text_to_the_width_with_an_ellipsis():
    long = "Supplier with a rather long name " * 4
    cut = pdf.fit(long, size=10, max_width=100)
    assert cut.endswith("…") and pdf.width(cut, size=10) <= 100 < pdf.width(long, size=10)
    assert pdf.fit("Short", size=10, max_width=100) == "Short"


def test_only_the_shared_helper_builds_paragraphs_or_sets_fonts():
    """Every document reaches reportlab through erp.pdf, so no text from data is read as
    markup and nothing prints in a font that is not embedded."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("erp", "inventory", "purchasing", "orders", "warehouse", "returns", "reporting"):
        for path in (root / app).rglob("*.py"):
            if path == root / "erp" / "pdf.py":
                continue
            source = path.read_text()
            if "reportlab" in source and re.search(
                r"\bParagraph\(|\.setFont\(|\.drawString\(|\.drawCentredString\(|\.drawRightString\(|\bTable\(|Helvetica",
                source,
            ):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_bold_text_borrows_a_glyph_only_the_regular_weight_has():
    # U+1D5A0 (mathematical sans-serif A) is in DejaVu Sans but not in its bold.
    assert pdf.runs("A\U0001d5a0B", bold=True) == [
        (pdf.BOLD, "A"), (pdf.FONT, "\U0001d5a0"), (pdf.BOLD, "B"),
    ]  # fmt: skip
    assert pdf.markup(pdf.Bold("A\U0001d5a0B")) == "<b>A</b>\U0001d5a0<b>B</b>"
