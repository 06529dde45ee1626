"""A transfer's packing slip as PDF (reportlab): what leaves the source site for the
destination, bin by bin and lot by lot, on the tenant's paper; and its GS1 carton label
(4 x 6 in). They draw what they are given and run no queries: the view passes the transfer's
lines and picks."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from erp import pdf
from erp.numbers import plain
from warehouse.documents import Party, facts, grid, page_document, scaled, sscc_barcode, sscc_text
from warehouse.packing.documents import LABEL_SIZE


def _lot(lot) -> str:
    if lot is None:
        return ""
    return f"{lot.code} · exp {lot.expiry_date:%Y-%m-%d}" if lot.expiry_date else lot.code


def transfer_slip_pdf(
    *, transfer, lines, picks, ship_from: Party, ship_to: Party, tenant_name: str, pagesize=A4
) -> bytes:
    """The slip that travels with a transfer: both sites, then each pick (bin, item, lot,
    quantity picked) and each line's totals (asked, shipped, received)."""
    buffer = io.BytesIO()
    document = page_document(buffer, f"Transfer {transfer.number}", pagesize)
    styles = pdf.styles()
    normal = styles["Normal"]
    story = [
        pdf.paragraph(f"{tenant_name} — Transfer {transfer.number}", style=styles["Title"]),
        pdf.table(
            [[pdf.paragraph(*ship_from.pieces("Ship from"), style=normal),
              pdf.paragraph(*ship_to.pieces("Ship to"), style=normal)],
             [facts([("Status", transfer.get_status_display().lower()),
                     ("Expected", f"{transfer.expected_date:%Y-%m-%d}")]),
              facts([("Shipped", f"{transfer.shipped_at:%Y-%m-%d}" if transfer.shipped_at else "not yet"),
                     ("Note", transfer.note)])]],
            widths=scaled([90 * mm, 90 * mm], pagesize),
        ),
        Spacer(1, 5 * mm),
        pdf.paragraph("Picked", style=styles["Heading2"]),
    ]  # fmt: skip
    rows = [["Bin", "Item", "Description", "Lot", "Quantity"]]
    for row in picks:
        item = row.line.item
        rows.append([
            pdf.cell(row.location.code), pdf.cell(item.sku), pdf.cell(item.description),
            pdf.cell(_lot(row.lot)), pdf.cell(f"{plain(row.picked)} {item.base_unit}"),
        ])  # fmt: skip
    story.append(grid(rows, scaled([25 * mm, 30 * mm, 60 * mm, 40 * mm, 25 * mm], pagesize)))
    story += [Spacer(1, 5 * mm), pdf.paragraph("Lines", style=styles["Heading2"])]
    rows = [["#", "Item", "Asked", "Shipped", "Received"]]
    for number, line in enumerate(lines, start=1):
        unit = line.item.base_unit
        rows.append([
            str(number), pdf.cell(line.item.sku),
            pdf.cell(f"{plain(line.quantity)} {line.unit}"),
            pdf.cell(f"{plain(line.shipped_base)} {unit}"),
            pdf.cell(f"{plain(line.received_base)} {unit}"),
        ])  # fmt: skip
    story.append(grid(rows, scaled([10 * mm, 50 * mm, 40 * mm, 40 * mm, 40 * mm], pagesize)))
    document.build(story)
    return buffer.getvalue()


def transfer_label_pdf(
    *, transfer, ship_from: Party, ship_to: Party, company_prefix: str = ""
) -> bytes:
    """The GS1 logistics label of a shipped transfer on a 4 x 6 in page: ship-from (source
    site) and ship-to (destination site), the transfer number, and its SSCC as GS1-128 (AI 00)
    with the human-readable line. The transfer must have an SSCC."""
    buffer = io.BytesIO()
    width, height = LABEL_SIZE
    canvas = pdf.canvas(buffer, pagesize=LABEL_SIZE, title=f"Transfer label {transfer.sscc}")
    margin = 5 * mm
    half = width / 2 - margin - 2 * mm
    canvas.setLineWidth(0.8)

    top = height - margin
    divider = top - 34 * mm
    for x, label, party, size, bold in (
        (margin, "FROM", ship_from, 8, False),
        (width / 2, "TO", ship_to, 10, True),
    ):
        pdf.draw(canvas, x, top - 3 * mm, label, size=7)
        y = top - 7.5 * mm
        for line in [party.name, *party.lines]:
            for wrapped in pdf.wrap(line, size=size, max_width=half, bold=bold):
                # A long address loses its last lines rather than run into the next box.
                if y >= divider + 1.5 * mm:
                    pdf.draw(canvas, x, y, wrapped, size=size, bold=bold)
                y -= size * 1.2
    canvas.line(margin, divider, width - margin, divider)

    pdf.draw(canvas, margin, divider - 6 * mm, f"TRANSFER {transfer.number}", size=12, bold=True)
    if transfer.shipped_at:
        pdf.draw(canvas, margin, divider - 11 * mm, f"SHIPPED {transfer.shipped_at:%Y-%m-%d}", size=8)  # fmt: skip
    bottom = margin + 50 * mm
    canvas.line(margin, bottom, width - margin, bottom)

    pdf.draw(canvas, margin, bottom - 4 * mm, "SSCC", size=7)
    barcode = sscc_barcode(transfer.sscc, max_width=width - 2 * margin)
    barcode.drawOn(canvas, (width - barcode.width) / 2, margin + 9 * mm)
    # GS1 logistics labels print the human-readable line under the symbol.
    pdf.draw(canvas, width / 2, margin + 3 * mm, sscc_text(transfer.sscc, company_prefix), size=12, bold=True, align="centre")  # fmt: skip
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
