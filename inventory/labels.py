"""Bin labels as PDF: one 100 x 50 mm label per page, the size thermal label printers take."""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm

from erp import pdf
from inventory.models import Bin
from inventory.scanning import label_text

LABEL_SIZE = (100 * mm, 50 * mm)


def bin_labels_pdf(bins: Iterable[Bin]) -> bytes:
    """A PDF with a Code 128 label per bin. The barcode carries "SITE/BIN" (`label_text`),
    so a scan names one bin even where sites share bin codes; the text shows the code large
    and site and zone small."""
    buffer = io.BytesIO()
    canvas = pdf.canvas(buffer, pagesize=LABEL_SIZE, title="Bin labels")
    width, height = LABEL_SIZE
    for bin in bins:
        pdf.draw(
            canvas, 5 * mm, height - 7 * mm,
            f"{bin.site.code} · {bin.zone.code} · {bin.get_bin_type_display()}",
            size=8, max_width=width - 10 * mm,
        )  # fmt: skip
        value = label_text(bin)
        barcode = Code128(value, barHeight=20 * mm, barWidth=0.33 * mm, quiet=True)
        if barcode.width > width - 10 * mm:
            # Long codes: narrow the bars so the whole code stays on the label.
            barcode = Code128(
                value,
                barHeight=20 * mm,
                barWidth=0.33 * mm * (width - 10 * mm) / barcode.width,
                quiet=True,
            )
        barcode.drawOn(canvas, (width - barcode.width) / 2, 15 * mm)
        pdf.draw(canvas, width / 2, 6 * mm, bin.code, size=16, bold=True, align="centre")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
