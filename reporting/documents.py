"""The recall notice as a PDF (reportlab): one page for the recall coordinator listing the
customers and shipments a lot or serial reached, with the reconciliation behind them."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from erp import pdf
from erp.numbers import plain
from reporting.trace import Trace

HEAD = [
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#334155")),
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("FONTSIZE", (0, 0), (-1, -1), 8),
]


def _head(*labels: str) -> list:
    styles = pdf.styles()
    return [pdf.paragraph(label, style=styles["Head"]) for label in labels]


def reconciliation_text(trace: Trace) -> str:
    """The line the recall team checks: every term with its sign, then on hand."""
    t = trace.totals
    terms = [f"received {plain(t.received)}"]
    for label, value, sign in (
        ("returned to supplier", t.returned_to_supplier, "-"),
        ("shipped", t.shipped, "-"),
        ("returned by customers", t.returned, "+"),
        ("scrapped", t.scrapped, "-"),
        ("in transit", t.in_transit, "-"),
    ):
        if value:
            terms.append(f"{sign} {label} {plain(value)}")
    for label, value in (("adjustments", t.adjusted), ("reversals", t.reversed)):
        if value:
            terms.append(f"{'+' if value > 0 else '-'} {label} {plain(abs(value))}")
    return f"{' '.join(terms)} = {plain(t.expected)}; on hand in bins {plain(t.on_hand)}"


def recall_pdf(*, trace: Trace, tenant_name: str, pagesize=A4) -> bytes:
    buffer = io.BytesIO()
    margin = 15 * mm
    target = trace.target
    document = pdf.document(
        buffer, title=f"Recall trace {target.label}", pagesize=pagesize, margin=margin
    )
    styles = pdf.styles()
    normal = styles["Normal"]
    width = pagesize[0] - 2 * margin
    now = timezone.localtime()
    lot = target.lot or (target.serial.lot if target.serial else None)
    story = [
        pdf.paragraph(f"{tenant_name} — Recall trace", style=styles["Title"]),
        pdf.paragraph(
            pdf.Bold("Item"), f" {target.item.sku} {target.item.description}", pdf.LINE_BREAK,
            *( [pdf.Bold("Serial"), f" {target.serial.serial}", pdf.LINE_BREAK] if target.serial else [] ),
            *( [pdf.Bold("Lot"), f" {lot.code}", *( [f", expires {lot.expiry_date:%Y-%m-%d}"] if lot.expiry_date else [] ), pdf.LINE_BREAK] if lot else [] ),
            pdf.Bold("Prepared"), f" {now:%Y-%m-%d %H:%M} ({now.tzname()})", pdf.LINE_BREAK,
            pdf.Bold("Reconciliation"), f" {reconciliation_text(trace)}"
            + ("" if trace.totals.reconciles else " — DOES NOT RECONCILE: check the ledger"),
            style=normal,
        ),
        Spacer(1, 5 * mm),
        pdf.paragraph(f"Customers reached ({len(trace.customers)})", style=styles["Heading2"]),
    ]  # fmt: skip
    rows = [_head("Customer", "Shipments", "Shipped", "Returned", "Still with customer")]
    for row in trace.customers:
        rows.append(
            [pdf.cell(row["customer"]), str(row["shipments"]), plain(row["shipped"]),
             plain(row["returned"]), plain(row["held"])]
        )  # fmt: skip
    if not trace.customers:
        rows.append([pdf.cell("No customer received this lot or serial."), "", "", "", ""])
    story.append(
        pdf.table(
            rows,
            widths=[width * 0.44, width * 0.14, width * 0.14, width * 0.14, width * 0.14],
            style=[*HEAD, ("ALIGN", (1, 1), (-1, -1), "RIGHT")],
            repeatRows=1,
        )
    )
    story += [Spacer(1, 5 * mm), pdf.paragraph("Shipments", style=styles["Heading2"])]
    rows = [_head("Date", "Shipment", "Sales order", "Customer", "From", "Quantity")]
    for m in trace.shipments:
        rows.append(
            [f"{timezone.localtime(m.posted_at):%Y-%m-%d}", pdf.cell(m.document), pdf.cell(m.order),
             pdf.cell(m.party), pdf.cell(m.sites), plain(m.quantity)]
        )  # fmt: skip
    if not trace.shipments:
        rows.append([pdf.cell("None shipped."), "", "", "", "", ""])
    story.append(
        pdf.table(
            rows,
            widths=[
                width * 0.13,
                width * 0.17,
                width * 0.17,
                width * 0.29,
                width * 0.11,
                width * 0.13,
            ],
            style=[*HEAD, ("ALIGN", (-1, 1), (-1, -1), "RIGHT")],
            repeatRows=1,
        )
    )
    held = {}
    for row in trace.on_hand:
        held[row.site] = held.get(row.site, 0) + row.quantity
    where = ", ".join(f"{site} {plain(q)}" for site, q in sorted(held.items())) or "none"
    story += [
        Spacer(1, 5 * mm),
        pdf.paragraph(pdf.Bold("Still in our warehouses"), f" {where}", style=normal),
    ]
    document.build(story)
    return buffer.getvalue()
