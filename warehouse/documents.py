"""What the warehouse's PDFs (reportlab) share: parties and their addresses, GS1-128 and the
SSCC's printed line, the layout of page documents, and the response that shows a PDF.

Each document lives with its flow: the carton label in packing, the packing slip and bill
of lading in shipping, the pick list in picking. They draw what they are given and run no
queries: views pass rows loaded by their flow's selectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm

from erp import pdf
from erp.addresses import postal_lines

FNC1 = "\xf1"  # reportlab's Code128 writes this as the FNC1 symbol (GS1-128's start and separator)
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


def tracking(line) -> str:
    parts = []
    if line.lot_id:
        parts.append(f"lot {line.lot.code}")
        if line.lot.expiry_date:
            parts.append(f"exp {line.lot.expiry_date:%Y-%m-%d}")
    if line.serial_id:
        parts.append(f"serial {line.serial.serial}")
    return " · ".join(parts)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser (inline), saved under `filename` if the user saves it."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
