"""A shipment's documents as PDF (reportlab): the packing slip for the customer and the bill
of lading for the carrier, on the tenant's paper (A4 or Letter).

They draw what they are given and run no queries: the view passes the shipment's cartons
with their `contents`."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from erp import pdf
from erp.numbers import plain
from warehouse.documents import Party, facts, grid, page_document, scaled, sscc_text, tracking


def _parties(first: Party, first_heading: str, second: Party, second_heading: str):
    normal = pdf.styles()["Normal"]
    return [
        pdf.paragraph(*first.pieces(first_heading), style=normal),
        pdf.paragraph(*second.pieces(second_heading), style=normal),
    ]


def packing_slip_pdf(
    *, shipment, order, lines, cartons, ship_from: Party, ship_to: Party, tenant_name: str,
    company_prefix: str = "", pagesize=A4,
) -> bytes:  # fmt: skip
    """What the customer finds in the boxes: each carton with its SSCC and contents, then
    per order line what this shipment brings, what came before and what is backordered.
    `lines`: the order's lines; `cartons`: the shipment's, each with `contents`."""
    buffer = io.BytesIO()
    document = page_document(buffer, f"Packing slip {shipment.number}", pagesize)
    styles = pdf.styles()
    story = [
        pdf.paragraph(f"{tenant_name} — Packing slip {shipment.number}", style=styles["Title"]),
        pdf.table(
            [_parties(ship_from, "Ship from", ship_to, "Ship to"),
             [facts([("Order", order.number), ("Customer", f"{order.customer.code} {order.customer.name}"),
                     ("Customer reference", order.customer_reference), ("Order date", f"{order.order_date:%Y-%m-%d}")]),
              facts([("Shipment", f"{shipment.number} ({shipment.get_status_display().lower()})"),
                     ("Shipped", f"{shipment.shipped_at:%Y-%m-%d}" if shipment.shipped_at else "not yet"),
                     ("Carrier", " ".join(p for p in [shipment.carrier, shipment.service] if p)),
                     ("Tracking", shipment.tracking_number)])]],
            widths=scaled([90 * mm, 90 * mm], pagesize),
        ),
        Spacer(1, 5 * mm),
        pdf.paragraph("Cartons", style=styles["Heading2"]),
    ]  # fmt: skip
    rows = [["Carton", "SSCC", "Item", "Description", "Lot / serial", "Quantity"]]
    in_shipment: dict[int, Decimal] = {}
    for number, carton in enumerate(cartons, start=1):
        for position, content in enumerate(carton.contents):
            in_shipment[content.order_line_id] = (
                in_shipment.get(content.order_line_id, Decimal(0)) + content.quantity
            )
            rows.append(
                [
                    str(number) if position == 0 else "",
                    sscc_text(carton.sscc, company_prefix) if position == 0 else "",
                    pdf.cell(content.item.sku),
                    pdf.cell(content.item.description),
                    pdf.cell(tracking(content)),
                    pdf.cell(f"{plain(content.quantity)} {content.item.base_unit}"),
                ]
            )
    widths = [16 * mm, 47 * mm, 24 * mm, 43 * mm, 30 * mm, 20 * mm]
    story.append(grid(rows, scaled(widths, pagesize)))
    story += [Spacer(1, 5 * mm), pdf.paragraph("Order lines", style=styles["Heading2"])]
    rows = [["#", "Item", "Ordered", "This shipment", "Shipped before", "Backordered"]]
    for line in lines:
        here = in_shipment.get(line.pk, Decimal(0))
        before = line.shipped_base - (here if shipment.status == "shipped" else Decimal(0))
        rows.append(
            [
                str(line.line_no),
                pdf.cell(f"{line.item.sku} {line.item.description}"),
                plain(line.quantity_base),
                plain(here),
                plain(before),
                plain(max(line.unallocated_base, Decimal(0))),
            ]
        )
    widths = [10 * mm, 70 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm]
    story.append(grid(rows, scaled(widths, pagesize)))
    document.build(story)
    return buffer.getvalue()


def bill_of_lading_pdf(
    *, shipment, order, cartons, ship_from: Party, ship_to: Party, tenant_name: str,
    company_prefix: str = "", pagesize=A4,
) -> bytes:  # fmt: skip
    """The carrier's receipt: shipper, consignee, carrier, service and tracking, each carton
    with its SSCC, size and weight, and the totals, with signature lines."""
    buffer = io.BytesIO()
    document = page_document(buffer, f"Bill of lading {shipment.number}", pagesize)
    styles = pdf.styles()
    story = [
        pdf.paragraph(f"Bill of lading {shipment.number}", style=styles["Title"]),
        pdf.table(
            [_parties(ship_from, "Shipper", ship_to, "Consignee"),
             [facts([("Carrier", shipment.carrier or "—"), ("Service", shipment.service or "—"),
                     ("Tracking number", shipment.tracking_number or "—")]),
              facts([("Order", order.number), ("Customer reference", order.customer_reference),
                     ("Ship date", f"{shipment.shipped_at:%Y-%m-%d}" if shipment.shipped_at else "not yet shipped"),
                     ("Issued by", tenant_name)])]],
            widths=scaled([90 * mm, 90 * mm], pagesize),
        ),
        Spacer(1, 5 * mm),
    ]  # fmt: skip
    rows = [["#", "SSCC", "Contents", "Dimensions (cm)", "Weight (kg)"]]
    total_weight = Decimal(0)
    missing_weight = False
    for number, carton in enumerate(cartons, start=1):
        units = sum((c.quantity for c in carton.contents), Decimal(0))
        size = (
            " x ".join(plain(d) for d in (carton.length_cm, carton.width_cm, carton.height_cm))
            if None not in (carton.length_cm, carton.width_cm, carton.height_cm)
            else "—"
        )
        if carton.weight_kg is None:
            missing_weight = True
        else:
            total_weight += carton.weight_kg
        rows.append(
            [
                str(number),
                sscc_text(carton.sscc, company_prefix),
                f"{len(carton.contents)} line(s), {plain(units)} units",
                size,
                plain(carton.weight_kg) if carton.weight_kg is not None else "—",
            ]
        )
    rows.append(
        [
            "",
            f"Total: {len(cartons)} carton{'s' if len(cartons) != 1 else ''}",
            "",
            "",
            f"{plain(total_weight)}{' + unweighed' if missing_weight else ''}",
        ]
    )
    widths = [10 * mm, 55 * mm, 50 * mm, 35 * mm, 30 * mm]
    story += [
        grid(rows, scaled(widths, pagesize), total_row=True),
        Spacer(1, 14 * mm),
        pdf.table(
            [["Shipper signature", "Carrier signature", "Date"], ["", "", ""]],
            widths=scaled([65 * mm, 65 * mm, 50 * mm], pagesize),
            rowHeights=[6 * mm, 14 * mm],
            style=[("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black), ("FONTSIZE", (0, 0), (-1, -1), 8)],
        ),
    ]  # fmt: skip
    document.build(story)
    return buffer.getvalue()
