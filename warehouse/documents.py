"""Outbound documents as PDF (reportlab): the GS1-128 carton label, the packing slip and the
bill of lading of a shipment, and the pick list of a batch.

The functions draw what they are given and run no queries: views pass rows loaded by
`warehouse.selectors` (cartons with `contents`, tasks with their bins and items)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from erp import pdf
from erp.addresses import postal_lines
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

    def pieces(self, heading: str) -> list:
        """`erp.pdf.markup` pieces: the heading in bold, then the name and each line."""
        return [pdf.Bold(heading), pdf.LINE_BREAK, *pdf.lines([self.name, *self.lines])]


def site_party(name: str, site, *, recipient_country: str = "") -> Party:
    """The site's address under `name`; its country printed unless it is the recipient's."""
    return Party(
        name,
        postal_lines(
            line1=site.address_line1, line2=site.address_line2, city=site.city,
            region=site.region, postal_code=site.postal_code, country=site.country,
            sender_country=recipient_country or site.country,
        ),
    )  # fmt: skip


def _names_customer(address_name: str, customer: str) -> bool:
    """Whether an address's name already says who the customer is: it starts with most of
    the customer's name ("Peachtree Hotel Chicago" for Peachtree Hotels, "Corner Kiosk, Union
    Station" for Corner Kiosk Co.)."""
    a, b = (" ".join(n.casefold().split()) for n in (address_name, customer))
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return bool(b) and shared >= 0.6 * len(b)


def ship_to_party(order) -> Party:
    """The order's ship-to address under one name that shows the customer once: the address's
    own name when it starts with the customer's ("Bayview Marina, Dock office" for Bayview
    Marina), else the customer's name with the address's name (a branch) on the next line.
    The country is printed when it is not the shipping site's."""
    customer = order.customer.name
    if not order.ship_to_id:
        return Party(customer)
    ship_to = order.ship_to
    address = postal_lines(
        line1=ship_to.address_line1, line2=ship_to.address_line2, city=ship_to.city,
        region=ship_to.region, postal_code=ship_to.postal_code, country=ship_to.country,
        sender_country=order.site.country,
    )  # fmt: skip
    if not ship_to.name.strip() or _names_customer(ship_to.name, customer):
        return Party(ship_to.name.strip() or customer, address)
    return Party(customer, [ship_to.name, *address])


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
    width, height = LABEL_SIZE
    canvas = pdf.canvas(buffer, pagesize=LABEL_SIZE, title=f"Carton label {carton.sscc}")
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
    pdf.draw(canvas, margin, divider - 5 * mm, f"ORDER {order.number}", size=8)
    if order.customer_reference:
        pdf.draw(canvas, margin, divider - 9 * mm, f"CUSTOMER REF {order.customer_reference}", size=8, max_width=half)  # fmt: skip
    pdf.draw(canvas, right, divider - 5 * mm, f"CARTON {index} OF {total}", size=8, align="right")
    if carrier:
        pdf.draw(canvas, right, divider - 9 * mm, f"CARRIER {carrier}", size=8, align="right", max_width=half)  # fmt: skip
    if carton.weight_kg is not None:
        pdf.draw(canvas, right, divider - 13 * mm, f"WEIGHT {plain(carton.weight_kg)} kg", size=8, align="right")  # fmt: skip
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
        lines = list(carton.contents)
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
    barcode = sscc_barcode(carton.sscc, max_width=width - 2 * margin)
    barcode.drawOn(canvas, (width - barcode.width) / 2, margin + 9 * mm)
    # GS1 logistics labels print the human-readable line under the symbol.
    pdf.draw(canvas, width / 2, margin + 3 * mm, sscc_text(carton.sscc, company_prefix), size=12, bold=True, align="centre")  # fmt: skip
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# Page documents (A4 or Letter, the tenant's paper) -----------------------------------------


def page_document(buffer, title: str, pagesize):
    return pdf.document(buffer, title=title, pagesize=pagesize, margin=15 * mm)


def scaled(widths: list[float], pagesize) -> list[float]:
    """Column widths drawn up for A4's 180 mm of text, fitted to the page's text width
    (Letter's is 6 mm wider and 18 mm shorter)."""
    available = pagesize[0] - 30 * mm
    return [w * available / sum(widths) for w in widths]


def grid(rows: list[list], widths: list[float], *, total_row: bool = False):
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTNAME", (0, 0), (-1, 0), pdf.BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -2 if total_row else -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        style.append(("FONTNAME", (0, -1), (-1, -1), pdf.BOLD))
    # Headings wrap ("Shipped before" is wider than its column in DejaVu).
    head = [pdf.paragraph(title, style=pdf.styles()["Head"]) for title in rows[0]]
    return pdf.table([head, *rows[1:]], widths=widths, style=style, repeatRows=1)


def facts(pairs: list[tuple[str, str]]):
    """Label and value pairs, one a line, the label bold; pairs without a value left out."""
    pieces: list = []
    for label, value in pairs:
        if value:
            if pieces:
                pieces.append(pdf.LINE_BREAK)
            pieces += [pdf.Bold(label), f" {value}"]
    return pdf.paragraph(*pieces, style=pdf.styles()["Normal"])


def _parties(first: Party, first_heading: str, second: Party, second_heading: str):
    normal = pdf.styles()["Normal"]
    return [
        pdf.paragraph(*first.pieces(first_heading), style=normal),
        pdf.paragraph(*second.pieces(second_heading), style=normal),
    ]


def tracking(line) -> str:
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


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser (inline), saved under `filename` if the user saves it."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
