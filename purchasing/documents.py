"""The purchase order as a PDF for the supplier (reportlab)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from erp import pdf
from erp.addresses import postal_lines
from erp.numbers import plain
from purchasing.models import PurchaseOrder, PurchaseOrderLine


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _approval(order: PurchaseOrder) -> list:
    """Who approved the order and when (the supplier and the auditor both ask)."""
    if order.approved_by is None:
        return [pdf.Bold("Not approved yet")]
    day = timezone.localtime(order.approved_at)
    return [pdf.Bold("Approved by"), f" {order.approved_by.get_full_name()} on {day:%Y-%m-%d}"]


def purchase_order_pdf(
    *, order: PurchaseOrder, lines: list[PurchaseOrderLine], tenant_name: str, pagesize=A4
) -> bytes:
    """The order with its supplier, ship-to site, lines and total. The supplier's address
    is free text and prints as typed; the site's is laid out for its country."""
    buffer = io.BytesIO()
    margin = 18 * mm
    document = pdf.document(
        buffer, title=f"Purchase order {order.number}", pagesize=pagesize, margin=margin
    )
    styles = pdf.styles()
    normal = styles["Normal"]
    site = order.site
    ship_to = postal_lines(
        line1=site.address_line1, line2=site.address_line2, city=site.city, region=site.region,
        postal_code=site.postal_code, country=site.country,
    )  # fmt: skip
    supplier = order.supplier
    text_width = pagesize[0] - 2 * margin
    story = [
        pdf.paragraph(f"{tenant_name} — Purchase order {order.number}", style=styles["Title"]),
        pdf.table(
            [
                [pdf.paragraph(pdf.Bold("Supplier"), pdf.LINE_BREAK, *pdf.lines([supplier.name, *supplier.address.splitlines()]), style=normal),
                 pdf.paragraph(pdf.Bold("Ship to"), pdf.LINE_BREAK, *pdf.lines([site.name, *ship_to]), style=normal)],
                [pdf.paragraph(pdf.Bold("Order date"), f" {order.created_at:%Y-%m-%d}", pdf.LINE_BREAK,
                               pdf.Bold("Expected"), f" {order.expected_date:%Y-%m-%d}", pdf.LINE_BREAK,
                               pdf.Bold("Currency"), f" {order.currency}", style=normal),
                 pdf.paragraph(pdf.Bold("Status"), f" {order.get_status_display()}", pdf.LINE_BREAK,
                               pdf.Bold("Your reference"), f" {order.supplier_reference or '—'}", pdf.LINE_BREAK,
                               *_approval(order), style=normal)],
            ],
            widths=[text_width / 2, text_width / 2],
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
                pdf.cell(line.item.sku),
                pdf.cell(line.item.description),
                plain(line.quantity),
                pdf.cell(line.unit),
                _money(line.unit_cost),
                _money(amount),
                f"{line.expected_date:%Y-%m-%d}",
            ]
        )
    rows.append(["", "", "", "", "", "Total", _money(total), order.currency])
    widths = [8, 24, 52, 18, 14, 20, 22, 20]  # mm on A4, fitted to the page's text width
    table = pdf.table(
        rows,
        widths=[w * text_width / sum(widths) for w in widths],
        repeatRows=1,
        style=[
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0f5fa8")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("FONTNAME", (0, 0), (-1, 0), pdf.BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("ALIGN", (3, 1), (6, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -2), 0.25, colors.grey),
            ("FONTNAME", (5, -1), (6, -1), pdf.BOLD),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )
    story += [table]
    if order.notes:
        story += [
            Spacer(1, 6 * mm),
            pdf.paragraph(
                pdf.Bold("Notes"),
                pdf.LINE_BREAK,
                *pdf.lines(order.notes.splitlines()),
                style=normal,
            ),
        ]
    document.build(story)
    return buffer.getvalue()
