"""Outbound documents as PDF (reportlab): the GS1-128 carton label, the packing slip and the
bill of lading of a shipment, and the pick list of a batch.

The functions draw what they are given and run no queries: views pass rows loaded by
`warehouse.selectors` (cartons with `contents`, tasks with their bins and items)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from erp.numbers import plain

FNC1 = "\xf1"  # reportlab's Code128 writes this as the FNC1 symbol (GS1-128's start and separator)
LABEL_SIZE = (101.6 * mm, 152.4 * mm)  # 4 x 6 in, the usual thermal logistics label
X_DIMENSION = 0.495 * mm  # the GS1 minimum module width for an SSCC on a logistics label
HEADER = colors.HexColor("#0f5fa8")


@dataclass
class Party:
    """A name and postal address as printed (ship-from, ship-to)."""

    name: str
    lines: list[str] = field(default_factory=list)

    def html(self) -> str:
        return "<br/>".join(escape(part) for part in [self.name, *self.lines] if part)


def site_party(name: str, site) -> Party:
    return Party(
        name,
        [
            part
            for part in [
                site.address_line1,
                site.address_line2,
                f"{site.postal_code} {site.city}".strip(),
                site.region,
                site.country,
            ]
            if part
        ],
    )


def ship_to_party(order) -> Party:
    """The order's ship-to address under the customer's name (the address's own name, such as
    a branch, on the next line unless it repeats the customer's)."""
    if order.ship_to_id:
        lines = order.ship_to.lines
        if lines and lines[0] == order.customer.name:
            lines = lines[1:]
        return Party(order.customer.name, lines)
    return Party(order.customer.name)


# GS1-128 --------------------------------------------------------------------------------


def gs1_128(elements: Sequence[tuple[str, str]], *, bar_height: float, max_width: float) -> Code128:
    """A GS1-128 barcode of (AI, value) pairs: FNC1 first, and FNC1 after each variable-length
    value that is not last. Bars are X_DIMENSION wide unless that would not fit `max_width`."""
    fixed = {"00", "01", "02", "17"}  # the AIs used here whose values have a fixed length
    data = FNC1
    for index, (ai, value) in enumerate(elements):
        data += ai + value
        if ai not in fixed and index < len(elements) - 1:
            data += FNC1
    barcode = Code128(data, barHeight=bar_height, barWidth=X_DIMENSION, quiet=True, lquiet=10 * X_DIMENSION, rquiet=10 * X_DIMENSION)  # fmt: skip
    if barcode.width > max_width:
        narrower = X_DIMENSION * max_width / barcode.width
        barcode = Code128(data, barHeight=bar_height, barWidth=narrower, quiet=True, lquiet=10 * narrower, rquiet=10 * narrower)  # fmt: skip
    return barcode


def sscc_barcode(sscc: str, *, bar_height: float = 32 * mm, max_width: float = 90 * mm) -> Code128:
    return gs1_128([("00", sscc)], bar_height=bar_height, max_width=max_width)


def sscc_text(sscc: str, company_prefix: str = "") -> str:
    """The SSCC's human-readable line: "(00) 3 0614141 123456789 0" (extension digit, company
    prefix, serial reference, check digit) when the prefix is known, else "(00) <18 digits>"."""
    if company_prefix and sscc[1 : 1 + len(company_prefix)] == company_prefix:
        end = 1 + len(company_prefix)
        return f"(00) {sscc[0]} {company_prefix} {sscc[end:17]} {sscc[17]}"
    return f"(00) {sscc}"


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


def carton_label_pdf(
    *, carton, ship_from: Party, ship_to: Party, order, company_prefix: str = "",
    contents: Contents | None = None, index: int = 1, total: int = 1, carrier: str = "",
) -> bytes:  # fmt: skip
    """The GS1 logistics label of a closed carton on a 4 x 6 in page: ship-from and ship-to,
    order and carrier, the contents when the carton holds one item (with their own GS1-128
    barcode), and the SSCC as GS1-128 with its human-readable line."""
    buffer = io.BytesIO()
    width, height = LABEL_SIZE
    canvas = Canvas(buffer, pagesize=LABEL_SIZE, pageCompression=1)
    canvas.setTitle(f"Carton label {carton.sscc}")
    margin = 5 * mm
    canvas.setLineWidth(0.8)

    # Top: from and to.
    top = height - margin
    canvas.setFont("Helvetica", 7)
    canvas.drawString(margin, top - 3 * mm, "FROM")
    canvas.setFont("Helvetica", 8)
    y = top - 7 * mm
    for line in [ship_from.name, *ship_from.lines][:6]:
        canvas.drawString(margin, y, line[:40])
        y -= 3.4 * mm
    canvas.setFont("Helvetica", 7)
    canvas.drawString(width / 2, top - 3 * mm, "TO")
    canvas.setFont("Helvetica-Bold", 10)
    y = top - 7.5 * mm
    for line in [ship_to.name, *ship_to.lines][:6]:
        canvas.drawString(width / 2, y, line[:28])
        y -= 4.2 * mm
    divider = top - 34 * mm
    canvas.line(margin, divider, width - margin, divider)

    # Middle: order, carrier, carton n of m, and the contents.
    canvas.setFont("Helvetica", 8)
    canvas.drawString(margin, divider - 5 * mm, f"ORDER {order.number}")
    if order.customer_reference:
        canvas.drawString(margin, divider - 9 * mm, f"CUSTOMER REF {order.customer_reference}")
    canvas.drawRightString(width - margin, divider - 5 * mm, f"CARTON {index} OF {total}")
    if carrier:
        canvas.drawRightString(width - margin, divider - 9 * mm, f"CARRIER {carrier}")
    if carton.weight_kg is not None:
        canvas.drawRightString(
            width - margin, divider - 13 * mm, f"WEIGHT {plain(carton.weight_kg)} kg"
        )
    y = divider - 17 * mm
    if contents is not None:
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(margin, y, f"{contents.sku} {contents.description}"[:48])
        y -= 4.5 * mm
        canvas.setFont("Helvetica", 9)
        facts = []
        if contents.gtin:
            facts.append(f"CONTENT (02) {contents.gtin.zfill(14)}")
        facts.append(f"COUNT (37) {plain(contents.count)} {contents.unit}")
        if contents.lot:
            facts.append(f"BATCH/LOT (10) {contents.lot}")
        if contents.expiry:
            facts.append(f"EXPIRY (17) {contents.expiry:%y%m%d} ({contents.expiry:%Y-%m-%d})")
        for fact in facts:
            canvas.drawString(margin, y, fact)
            y -= 4 * mm
        elements = contents.elements()
        if elements:
            barcode = gs1_128(elements, bar_height=14 * mm, max_width=width - 2 * margin)
            barcode.drawOn(canvas, (width - barcode.width) / 2, y - 15 * mm)
            canvas.setFont("Helvetica", 7)
            canvas.drawCentredString(
                width / 2, y - 18.5 * mm, "".join(f"({ai}){value}" for ai, value in elements)
            )
    else:
        canvas.setFont("Helvetica", 8)
        lines = list(carton.contents)
        canvas.drawString(
            margin, y, f"MIXED CONTENTS: {len(lines)} LINE{'S' if len(lines) != 1 else ''}"
        )
        y -= 4 * mm
        for line in lines[:8]:
            lot = f" lot {line.lot.code}" if line.lot_id else ""
            canvas.drawString(
                margin, y, f"{plain(line.quantity)} {line.item.base_unit} {line.item.sku}{lot}"[:60]
            )
            y -= 3.5 * mm
    bottom = margin + 50 * mm
    canvas.line(margin, bottom, width - margin, bottom)

    # Bottom: the SSCC.
    canvas.setFont("Helvetica", 7)
    canvas.drawString(margin, bottom - 4 * mm, "SSCC")
    barcode = sscc_barcode(carton.sscc, max_width=width - 2 * margin)
    barcode.drawOn(canvas, (width - barcode.width) / 2, margin + 9 * mm)
    # GS1 logistics labels print the human-readable line under the symbol.
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(width / 2, margin + 3 * mm, sscc_text(carton.sscc, company_prefix))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# A4 documents ----------------------------------------------------------------------------


def _document(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=title,
    )  # fmt: skip


def _grid(rows: list[list], widths: list[float], *, total_row: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -2 if total_row else -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        style.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
    table.setStyle(TableStyle(style))
    return table


def _styles():
    styles = getSampleStyleSheet()
    # Table cells at the table's 8 pt, wrapping inside their column.
    styles.add(ParagraphStyle("Cell", parent=styles["BodyText"], fontSize=8, leading=10))
    return styles


def _facts(pairs: list[tuple[str, str]], style) -> Paragraph:
    return Paragraph(
        "<br/>".join(f"<b>{escape(label)}</b> {escape(value)}" for label, value in pairs if value),
        style,
    )


def _tracking(line) -> str:
    parts = []
    if line.lot_id:
        parts.append(f"lot {line.lot.code}")
        if line.lot.expiry_date:
            parts.append(f"exp {line.lot.expiry_date:%Y-%m-%d}")
    if line.serial_id:
        parts.append(f"serial {line.serial.serial}")
    return " · ".join(parts)


def packing_slip_pdf(
    *, shipment, order, lines, cartons, ship_from: Party, ship_to: Party, tenant_name: str,
    company_prefix: str = "",
) -> bytes:  # fmt: skip
    """What the customer finds in the boxes: each carton with its SSCC and contents, then
    per order line what this shipment brings, what came before and what is backordered.
    `lines`: the order's lines; `cartons`: the shipment's, each with `contents`."""
    buffer = io.BytesIO()
    document = _document(buffer, f"Packing slip {shipment.number}")
    styles = _styles()
    normal = styles["Normal"]
    story = [
        Paragraph(f"{escape(tenant_name)} — Packing slip {shipment.number}", styles["Title"]),
        Table(
            [[Paragraph(f"<b>Ship from</b><br/>{ship_from.html()}", normal),
              Paragraph(f"<b>Ship to</b><br/>{ship_to.html()}", normal)],
             [_facts([("Order", order.number), ("Customer", f"{order.customer.code} {order.customer.name}"),
                      ("Customer reference", order.customer_reference), ("Order date", f"{order.order_date:%Y-%m-%d}")], normal),
              _facts([("Shipment", f"{shipment.number} ({shipment.get_status_display().lower()})"),
                      ("Shipped", f"{shipment.shipped_at:%Y-%m-%d}" if shipment.shipped_at else "not yet"),
                      ("Carrier", " ".join(p for p in [shipment.carrier, shipment.service] if p)),
                      ("Tracking", shipment.tracking_number)], normal)]],
            colWidths=[90 * mm, 90 * mm],
        ),
        Spacer(1, 5 * mm),
        Paragraph("Cartons", styles["Heading2"]),
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
                    content.item.sku,
                    Paragraph(escape(content.item.description), styles["Cell"]),
                    Paragraph(escape(_tracking(content)), styles["Cell"]),
                    f"{plain(content.quantity)} {content.item.base_unit}",
                ]
            )
    story.append(_grid(rows, [14 * mm, 44 * mm, 24 * mm, 48 * mm, 30 * mm, 20 * mm]))
    story += [Spacer(1, 5 * mm), Paragraph("Order lines", styles["Heading2"])]
    rows = [["#", "Item", "Ordered", "This shipment", "Shipped before", "Backordered"]]
    for line in lines:
        here = in_shipment.get(line.pk, Decimal(0))
        before = line.shipped_base - (here if shipment.status == "shipped" else Decimal(0))
        rows.append(
            [
                str(line.line_no),
                f"{line.item.sku} {line.item.description}"[:50],
                plain(line.quantity_base),
                plain(here),
                plain(before),
                plain(max(line.unallocated_base, Decimal(0))),
            ]
        )
    story.append(_grid(rows, [10 * mm, 74 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm]))
    document.build(story)
    return buffer.getvalue()


def bill_of_lading_pdf(
    *, shipment, order, cartons, ship_from: Party, ship_to: Party, tenant_name: str,
    company_prefix: str = "",
) -> bytes:  # fmt: skip
    """The carrier's receipt: shipper, consignee, carrier, service and tracking, each carton
    with its SSCC, size and weight, and the totals, with signature lines."""
    buffer = io.BytesIO()
    document = _document(buffer, f"Bill of lading {shipment.number}")
    styles = _styles()
    normal = styles["Normal"]
    story = [
        Paragraph(f"Bill of lading {shipment.number}", styles["Title"]),
        Table(
            [[Paragraph(f"<b>Shipper</b><br/>{ship_from.html()}", normal),
              Paragraph(f"<b>Consignee</b><br/>{ship_to.html()}", normal)],
             [_facts([("Carrier", shipment.carrier or "—"), ("Service", shipment.service or "—"),
                      ("Tracking number", shipment.tracking_number or "—")], normal),
              _facts([("Order", order.number), ("Customer reference", order.customer_reference),
                      ("Ship date", f"{shipment.shipped_at:%Y-%m-%d}" if shipment.shipped_at else "not yet shipped"),
                      ("Issued by", tenant_name)], normal)]],
            colWidths=[90 * mm, 90 * mm],
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
    story += [
        _grid(rows, [10 * mm, 55 * mm, 50 * mm, 35 * mm, 30 * mm], total_row=True),
        Spacer(1, 14 * mm),
        Table(
            [["Shipper signature", "Carrier signature", "Date"], ["", "", ""]],
            colWidths=[65 * mm, 65 * mm, 50 * mm],
            rowHeights=[6 * mm, 14 * mm],
            style=TableStyle([("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black),
                              ("FONTSIZE", (0, 0), (-1, -1), 8)]),
        ),
    ]  # fmt: skip
    document.build(story)
    return buffer.getvalue()


def pick_list_pdf(*, batch, tasks, totes: dict[int, object], tenant_name: str) -> bytes:
    """One picker's walk on paper: every task of the batch in walk order with its bin, item,
    lot or serial, quantity and tote; `totes` maps tote numbers to their orders."""
    buffer = io.BytesIO()
    document = _document(buffer, f"Pick list {batch}")
    styles = _styles()
    normal = styles["Normal"]
    wave = batch.wave
    story = [
        Paragraph(f"Pick list {batch}", styles["Title"]),
        _facts(
            [
                ("Organisation", tenant_name),
                ("Wave", f"{wave.number} at {wave.site.code}"),
                ("Batch", str(batch.number)),
                ("Picker", batch.picker.get_full_name() if batch.picker_id else "unassigned"),
                ("Released", f"{wave.released_at:%Y-%m-%d %H:%M}" if wave.released_at else "not yet"),
                ("Take picks to", wave.staging.code),
            ],
            normal,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            "Totes: "
            + escape("; ".join(f"{tote} = {order.number} ({order.customer.name})" for tote, order in sorted(totes.items()))),
            normal,
        ),
        Spacer(1, 4 * mm),
    ]  # fmt: skip
    rows = [["#", "Bin", "Item", "Lot / serial", "Quantity", "Tote", "Order", "State"]]
    for task in tasks:
        rows.append(
            [
                str(task.sequence),
                Paragraph(f"<b>{escape(task.from_location.code)}</b>", styles["Cell"]),
                Paragraph(f"<b>{escape(task.item.sku)}</b> {escape(task.item.description)}", styles["Cell"]),
                Paragraph(escape(_tracking(task)), styles["Cell"]),
                Paragraph(f"<b>{plain(task.quantity)}</b> {escape(task.item.base_unit)}", styles["Cell"]),
                str(task.tote),
                task.order.number,
                "" if task.state == "open" else f"{task.get_state_display()} {plain(task.picked_quantity)}",
            ]
        )  # fmt: skip
    story.append(
        _grid(rows, [9 * mm, 24 * mm, 52 * mm, 30 * mm, 20 * mm, 10 * mm, 22 * mm, 18 * mm])
    )
    document.build(story)
    return buffer.getvalue()
