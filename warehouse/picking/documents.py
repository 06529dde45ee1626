"""The pick list of a batch as PDF: one picker's walk on paper."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from erp import pdf
from erp.numbers import plain
from warehouse.documents import facts, grid, page_document, scaled, tracking


def pick_list_pdf(*, batch, tasks, totes: dict[int, object], tenant_name: str, pagesize=A4) -> bytes:  # fmt: skip
    """One picker's walk on paper: every task of the batch in walk order with its bin, item,
    lot or serial, quantity and tote; `totes` maps tote numbers to their orders."""
    buffer = io.BytesIO()
    document = page_document(buffer, f"Pick list {batch}", pagesize)
    styles = pdf.styles()
    wave = batch.wave
    story = [
        pdf.paragraph(f"Pick list {batch}", style=styles["Title"]),
        facts(
            [
                ("Organisation", tenant_name),
                ("Wave", f"{wave.number} at {wave.site.code}"),
                ("Batch", str(batch.number)),
                ("Picker", batch.picker.get_full_name() if batch.picker_id else "unassigned"),
                ("Released", f"{wave.released_at:%Y-%m-%d %H:%M}" if wave.released_at else "not yet"),
                ("Take picks to", wave.staging.code),
            ]
        ),
        Spacer(1, 3 * mm),
        pdf.paragraph(
            "Totes: " + "; ".join(f"{tote} = {order.number} ({order.customer.name})" for tote, order in sorted(totes.items())),
            style=styles["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]  # fmt: skip
    rows = [["#", "Bin", "Item", "Lot / serial", "Quantity", "Tote", "Order", "State"]]
    for task in tasks:
        rows.append(
            [
                str(task.sequence),
                pdf.cell(pdf.Bold(task.from_location.code)),
                pdf.cell(pdf.Bold(task.item.sku), f" {task.item.description}"),
                pdf.cell(tracking(task)),
                pdf.cell(pdf.Bold(plain(task.quantity)), f" {task.item.base_unit}"),
                str(task.tote),
                task.order.number,
                "" if task.state == "open" else f"{task.get_state_display()} {plain(task.picked_quantity)}",
            ]
        )  # fmt: skip
    widths = [9 * mm, 24 * mm, 52 * mm, 30 * mm, 20 * mm, 10 * mm, 22 * mm, 18 * mm]
    story.append(grid(rows, scaled(widths, pagesize)))
    document.build(story)
    return buffer.getvalue()
