"""The GS1 logistics label of a closed carton as PDF (reportlab), 4 x 6 in.

Draws what it is given and runs no queries: the view passes the carton with its `contents`."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.units import mm

from erp import pdf
from erp.numbers import plain
from warehouse.documents import Party, gs1_128, sscc_barcode, sscc_text

LABEL_SIZE = (101.6 * mm, 152.4 * mm)  # 4 x 6 in, the usual thermal logistics label


@dataclass
class Contents:
    """What a one-item carton holds, for its label: (02) GTIN, (37) count, (10) lot, (17) expiry."""

    gtin: str | None
    count: Decimal
    sku: str
    description: str
    unit: str
    lot: str = ""
    expiry: object = None  # datetime.date

    def elements(self) -> list[tuple[str, str]]:
        """The contents as GS1 element strings: only with a GTIN and a whole count, and the
        variable-length lot last so that it needs no separator."""
        if not self.gtin or self.count != self.count.to_integral_value():
            return []
        elements = [("02", self.gtin.zfill(14))]
        if self.expiry:
            elements.append(("17", f"{self.expiry:%y%m%d}"))
        elements.append(("37", str(int(self.count))))
        if self.lot:
            elements.append(("10", self.lot))
        return elements


def carton_contents(carton, gtins: dict[int, str]) -> Contents | None:
    """The label contents of a carton holding a single item (in one lot, if any), else None.
    `gtins`: item id -> GTIN of its base unit."""
    lines = list(carton.contents)
    if not lines or len({line.item_id for line in lines}) != 1:
        return None
    lots = {line.lot_id for line in lines}
    lot = lines[0].lot if len(lots) == 1 else None
    item = lines[0].item
    return Contents(
        gtin=gtins.get(item.pk),
        count=sum((line.quantity for line in lines), Decimal(0)),
        sku=item.sku,
        description=item.description,
        unit=item.base_unit,
        lot=lot.code if lot else "",
        expiry=lot.expiry_date if lot else None,
    )


def _address(canvas, x, y, party: Party, *, sizes, bold: bool, max_width: float, bottom: float):
    """A party's name and address wrapped into its box, in the first of `sizes` that lets
    every line fit above `bottom` (the last lines are left off when none does)."""
    for size in sizes:
        leading = size * 1.2
        lines = [
            wrapped
            for line in [party.name, *party.lines]
            for wrapped in pdf.wrap(line, size=size, max_width=max_width, bold=bold)
        ]
        if y - (len(lines) - 1) * leading >= bottom:
            break
    for line in lines:
        if y < bottom:
            break
        pdf.draw(canvas, x, y, line, size=size, bold=bold)
        y -= leading


def carton_label_pdf(
    *, carton, ship_from: Party, ship_to: Party, order, company_prefix: str = "",
    contents: Contents | None = None, index: int = 1, total: int = 1, carrier: str = "",
) -> bytes:  # fmt: skip
    """The GS1 logistics label of a closed carton on a 4 x 6 in page: ship-from and ship-to,
    order and carrier, the contents when the carton holds one item (with their own GS1-128
    barcode), and the SSCC as GS1-128 with its human-readable line."""
    buffer = io.BytesIO()
    canvas = pdf.canvas(buffer, pagesize=LABEL_SIZE, title=f"Carton label {carton.sscc}")
    reference = f"CUSTOMER REF {order.customer_reference}" if order.customer_reference else ""
    draw_carton_label(
        canvas, sscc=carton.sscc, ship_from=ship_from, ship_to=ship_to,
        heading=f"ORDER {order.number}", reference=reference, company_prefix=company_prefix,
        contents=contents, lines=list(carton.contents), index=index, total=total,
        carrier=carrier, weight_kg=carton.weight_kg,
    )  # fmt: skip
    canvas.save()
    return buffer.getvalue()


def draw_carton_label(
    canvas, *, sscc: str, ship_from: Party, ship_to: Party, heading: str, reference: str = "",
    company_prefix: str = "", contents: Contents | None = None, lines=(), index: int = 1,
    total: int = 1, carrier: str = "", weight_kg=None,
) -> None:  # fmt: skip
    """One carton's label as a page of `canvas`, for an outbound carton (`heading` names the
    order) or a transfer's (the transfer): ship-from and ship-to, `heading` and `reference`,
    carton n of m, carrier and weight, the contents (one item with its GS1-128, or the mixed
    `lines`: quantity, item, lot) and the SSCC as GS1-128 with its human-readable line."""
    width, height = LABEL_SIZE
    margin = 5 * mm
    half = width / 2 - margin - 2 * mm
    canvas.setLineWidth(0.8)

    # Top: from and to.
    top = height - margin
    divider = top - 34 * mm
    pdf.draw(canvas, margin, top - 3 * mm, "FROM", size=7)
    _address(canvas, margin, top - 7 * mm, ship_from, sizes=(8, 7, 6), bold=False, max_width=half, bottom=divider + 1.5 * mm)  # fmt: skip
    pdf.draw(canvas, width / 2, top - 3 * mm, "TO", size=7)
    _address(canvas, width / 2, top - 7.5 * mm, ship_to, sizes=(10, 9, 8, 7), bold=True, max_width=half, bottom=divider + 1.5 * mm)  # fmt: skip
    canvas.line(margin, divider, width - margin, divider)

    # Middle: order, carrier, carton n of m, and the contents.
    right = width - margin
    pdf.draw(canvas, margin, divider - 5 * mm, heading, size=8)
    if reference:
        pdf.draw(canvas, margin, divider - 9 * mm, reference, size=8, max_width=half)
    pdf.draw(canvas, right, divider - 5 * mm, f"CARTON {index} OF {total}", size=8, align="right")
    if carrier:
        pdf.draw(canvas, right, divider - 9 * mm, f"CARRIER {carrier}", size=8, align="right", max_width=half)  # fmt: skip
    if weight_kg is not None:
        pdf.draw(canvas, right, divider - 13 * mm, f"WEIGHT {plain(weight_kg)} kg", size=8, align="right")  # fmt: skip
    y = divider - 17 * mm
    if contents is not None:
        pdf.draw(canvas, margin, y, f"{contents.sku} {contents.description}", size=9, bold=True, max_width=width - 2 * margin)  # fmt: skip
        y -= 4.5 * mm
        facts = []
        if contents.gtin:
            facts.append(f"CONTENT (02) {contents.gtin.zfill(14)}")
        facts.append(f"COUNT (37) {plain(contents.count)} {contents.unit}")
        if contents.lot:
            facts.append(f"BATCH/LOT (10) {contents.lot}")
        if contents.expiry:
            facts.append(f"EXPIRY (17) {contents.expiry:%y%m%d} ({contents.expiry:%Y-%m-%d})")
        for fact in facts:
            pdf.draw(canvas, margin, y, fact, size=9, max_width=width - 2 * margin)
            y -= 4 * mm
        elements = contents.elements()
        if elements:
            barcode = gs1_128(elements, bar_height=14 * mm, max_width=width - 2 * margin)
            barcode.drawOn(canvas, (width - barcode.width) / 2, y - 15 * mm)
            pdf.draw(
                canvas, width / 2, y - 18.5 * mm, "".join(f"({ai}){value}" for ai, value in elements),
                size=7, align="centre",
            )  # fmt: skip
    else:
        lines = list(lines)
        pdf.draw(canvas, margin, y, f"MIXED CONTENTS: {len(lines)} LINE{'S' if len(lines) != 1 else ''}", size=8)  # fmt: skip
        y -= 4 * mm
        for line in lines[:8]:
            lot = f" lot {line.lot.code}" if line.lot_id else ""
            text = f"{plain(line.quantity)} {line.item.base_unit} {line.item.sku}{lot}"
            pdf.draw(canvas, margin, y, text, size=8, max_width=width - 2 * margin)
            y -= 3.5 * mm
    bottom = margin + 50 * mm
    canvas.line(margin, bottom, width - margin, bottom)

    # Bottom: the SSCC.
    pdf.draw(canvas, margin, bottom - 4 * mm, "SSCC", size=7)
    barcode = sscc_barcode(sscc, max_width=width - 2 * margin)
    barcode.drawOn(canvas, (width - barcode.width) / 2, margin + 9 * mm)
    # GS1 logistics labels print the human-readable line under the symbol.
    pdf.draw(canvas, width / 2, margin + 3 * mm, sscc_text(sscc, company_prefix), size=12, bold=True, align="centre")  # fmt: skip
    canvas.showPage()
