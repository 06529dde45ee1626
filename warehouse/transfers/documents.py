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
from warehouse.documents import Party, facts, grid, page_document, scaled
from warehouse.packing.documents import LABEL_SIZE, carton_contents, draw_carton_label


def _lot(lot) -> str:
    if lot is None:
        return ""
    return f"{lot.code} · exp {lot.expiry_date:%Y-%m-%d}" if lot.expiry_date else lot.code


def _tracking(pick) -> str:
    serial = f"serial {pick.serial.serial}" if pick.serial_id else ""
    return " · ".join(part for part in (_lot(pick.lot), serial) if part)


def transfer_slip_pdf(
    *, transfer, lines, picks, ship_from: Party, ship_to: Party, tenant_name: str, pagesize=A4
) -> bytes:
    """The slip that travels with a transfer: both sites, then each pick (bin, item, lot or
    serial, quantity picked) and each line's totals (asked, shipped, received)."""
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
    rows = [["Bin", "Item", "Description", "Lot / serial", "Quantity"]]
    for row in picks:
        item = row.line.item
        rows.append([
            pdf.cell(row.location.code), pdf.cell(item.sku), pdf.cell(item.description),
            pdf.cell(_tracking(row)), pdf.cell(f"{plain(row.picked)} {item.base_unit}"),
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


def transfer_labels_pdf(
    *, transfer, cartons, ship_from: Party, ship_to: Party, company_prefix: str = "",
    gtins: dict[int, str] | None = None,
) -> bytes:  # fmt: skip
    """The GS1 logistics labels of a shipped transfer's cartons, one 4 x 6 in page each, drawn
    as outbound carton labels are (`warehouse.packing.documents`): both sites, the transfer,
    carton n of m, the contents and the carton's SSCC (AI 00). Each carton has its SSCC and
    its `contents` loaded."""
    buffer = io.BytesIO()
    canvas = pdf.canvas(buffer, pagesize=LABEL_SIZE, title=f"Transfer labels {transfer.number}")
    shipped = f"SHIPPED {transfer.shipped_at:%Y-%m-%d}" if transfer.shipped_at else ""
    for index, carton in enumerate(cartons, start=1):
        draw_carton_label(
            canvas, sscc=carton.sscc, ship_from=ship_from, ship_to=ship_to,
            heading=f"TRANSFER {transfer.number}", reference=shipped,
            company_prefix=company_prefix, contents=carton_contents(carton, gtins or {}),
            lines=carton.contents, index=index, total=len(cartons),
        )  # fmt: skip
    canvas.save()
    return buffer.getvalue()
