"""The purchase order as a PDF for the supplier (reportlab)."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from erp.numbers import plain
from purchasing.models import PurchaseOrder, PurchaseOrderLine


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def purchase_order_pdf(
    order: PurchaseOrder, lines: list[PurchaseOrderLine], tenant_name: str
) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Purchase order {order.number}",
    )
    styles = getSampleStyleSheet()
    site = order.site
    ship_to = "<br/>".join(
        part
        for part in [
            site.name,
            site.address_line1,
            site.address_line2,
            f"{site.postal_code} {site.city}".strip(),
            site.region,
            site.country,
        ]
        if part
    )
    story = [
        Paragraph(f"{tenant_name} — Purchase order {order.number}", styles["Title"]),
        Table(
            [
                [Paragraph(f"<b>Supplier</b><br/>{order.supplier.name}<br/>{order.supplier.address.replace(chr(10), '<br/>')}", styles["Normal"]),
                 Paragraph(f"<b>Ship to</b><br/>{ship_to}", styles["Normal"])],
                [Paragraph(f"<b>Order date</b> {order.created_at:%Y-%m-%d}<br/><b>Expected</b> {order.expected_date:%Y-%m-%d}<br/><b>Currency</b> {order.currency}", styles["Normal"]),
                 Paragraph(f"<b>Status</b> {order.get_status_display()}<br/><b>Your reference</b> {order.supplier_reference or '—'}", styles["Normal"])],
            ],
            colWidths=[87 * mm, 87 * mm],
        ),
        Spacer(1, 6 * mm),
    ]  # fmt: skip
    rows = [["#", "Item", "Description", "Quantity", "Unit", "Unit cost", "Amount", "Expected"]]
    total = Decimal(0)
    for line in lines:
        amount = line.quantity * line.unit_cost
        total += amount
        rows.append(
            [
                str(line.line_no),
                line.item.sku,
                Paragraph(line.item.description, styles["BodyText"]),
                plain(line.quantity),
                line.unit,
                _money(line.unit_cost),
                _money(amount),
                f"{line.expected_date:%Y-%m-%d}",
            ]
        )
    rows.append(["", "", "", "", "", "Total", _money(total), order.currency])
    table = Table(
        rows,
        colWidths=[8 * mm, 24 * mm, 52 * mm, 18 * mm, 14 * mm, 20 * mm, 22 * mm, 20 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0f5fa8")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (3, 1), (6, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -2), 0.25, colors.grey),
                ("FONTNAME", (5, -1), (6, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table]
    if order.notes:
        story += [Spacer(1, 6 * mm), Paragraph(f"<b>Notes</b><br/>{order.notes}", styles["Normal"])]
    document.build(story)
    return buffer.getvalue()
