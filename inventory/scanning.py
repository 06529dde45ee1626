"""What a scanner sends, understood: GS1 barcodes (parsed with biip, never by hand), GTINs,
SKUs and bin codes, resolved to the tenant's rows."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import biip
from biip.gs1_messages import GS1Message

from erp.models import Tenant
from inventory.errors import AmbiguousBin, InvalidPosting
from inventory.models import Bin, Item, ItemUnit, Location, Site
from inventory.models.locations import LABEL_SEPARATOR


@dataclass
class Scan:
    raw: str
    gtin: str | None = None
    lot: str | None = None
    expiry: datetime.date | None = None
    serial: str | None = None
    count: Decimal | None = None
    sscc: str | None = None

    @property
    def is_gs1(self) -> bool:
        return any((self.lot, self.expiry, self.serial, self.count, self.sscc))


# An AIM symbology identifier: "]", the symbology's letter, a modifier (ISO/IEC 15424).
# Scanners set to send them prefix every code: ]E0 EAN-13/UPC-A, ]E4 EAN-8, ]C1 GS1-128,
# ]C0 plain Code 128, ]e0 GS1 DataBar, ]d2 GS1 DataMatrix, ]Q3 GS1 QR, ]A0 Code 39...
AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
GS = "\x1d"
# What keyboard-wedge scanners type for GS when they cannot send ASCII 29: the visible
# "SYMBOL FOR GROUP SEPARATOR" (Android wedge apps) or the text "<GS>" (a common data-format
# rule). Neither can be mistaken for GS1 data. Ctrl+] (the GS keystroke) becomes ASCII 29 in
# the scanner pages' script (static/js/stockline.js).
GS_STAND_INS = ("\u241d", "<GS>")


def strip_symbology(text: str) -> str:
    """`text` without surrounding blanks and without a leading AIM symbology identifier: what
    a bin, order or SKU label holds."""
    text = text.strip()
    return text[3:] if AIM_PREFIX.match(text) else text


def parse_scan(text: str) -> Scan:
    """Read what a scanner sent: a GS1 string (raw with GS separators, or with AIs in
    parentheses), a GTIN (EAN-13, UPC-A, EAN-8, GTIN-14), or anything else (kept as raw text,
    e.g. a SKU or a bin code), with or without an AIM symbology identifier in front."""
    text = text.strip()
    for stand_in in GS_STAND_INS:
        text = text.replace(stand_in, GS)
    body = strip_symbology(text)
    scan = Scan(raw=body)
    if not body:
        return scan
    if body.startswith("("):
        try:
            message = GS1Message.parse_hri(body)
        except Exception:  # biip raises its own ParseError family for text that is not GS1
            return scan
        _read(scan, message)
        return scan
    # biip reads the symbology identifier itself (]E0 is only ever a GTIN, ]C1 GS1 data...).
    result = biip.parse(text)
    bare_gtin = body.isascii() and body.isdigit() and len(body) in (8, 12, 13, 14)
    if result.gs1_message is not None and not (bare_gtin and result.gtin is not None):
        _read(scan, result.gs1_message)
    elif result.gtin is not None:
        scan.gtin = result.gtin.as_gtin_14()
    return scan


def _read(scan: Scan, message: GS1Message) -> None:
    for element in message.element_strings:
        ai = element.ai.ai
        if ai in ("01", "02") and element.gtin is not None:
            scan.gtin = element.gtin.as_gtin_14()
        elif ai == "10":
            scan.lot = element.value
        elif ai == "17":
            scan.expiry = element.date
        elif ai == "21":
            scan.serial = element.value
        elif ai in ("30", "37"):
            scan.count = Decimal(element.value)
        elif ai == "00":
            scan.sscc = element.value


def _gtin_variants(gtin14: str) -> list[str]:
    # Units store the GTIN as printed (8, 12, 13 or 14 digits); scans give GTIN-14.
    return [gtin14, gtin14[1:], gtin14[2:], gtin14[6:]]


def resolve_item(*, tenant: Tenant, text: str) -> tuple[Item, str | None, Scan]:
    """The item a scan or typed text names, the unit its GTIN stands for (None: base unit),
    and the parsed scan. Raises `InvalidPosting` naming what was not found."""
    scan = parse_scan(text)
    if scan.gtin:
        unit = (
            ItemUnit.objects.filter(tenant=tenant, gtin__in=_gtin_variants(scan.gtin))
            .select_related("item")
            .first()
        )
        if unit is None:
            raise InvalidPosting(f"No item has GTIN {scan.gtin}.")
        code = None if unit.code == unit.item.base_unit else unit.code
        return unit.item, code, scan
    item = Item.objects.filter(tenant=tenant, sku__iexact=scan.raw).first()
    if item is None:
        raise InvalidPosting(f"No item with SKU or GTIN '{scan.raw}'.")
    return item, None, scan


def label_text(bin: Bin) -> str:
    """What a bin label's barcode carries: site and bin code, so a scan names one bin even
    where every site uses the same codes. Codes cannot hold the separator (a constraint)."""
    return f"{bin.site.code}{LABEL_SEPARATOR}{bin.code}"


def resolve_bin(*, tenant: Tenant, code: str, site: Site | int | None = None) -> Location:
    """The ledger location of the bin a scan or typed code names.

    A label scan ("SITE/BIN", see `label_text`) names its site; a plain code is looked up in
    `site` when given, else at every site. Raises `InvalidPosting` when nothing matches or
    the label is of another site than `site`, and `AmbiguousBin` (listing the sites) when
    a plain code exists at several sites and no site was given.
    """
    text = code.strip()
    bins = Bin.objects.filter(tenant=tenant, is_active=True).select_related("site")
    site_code, separator, bin_code = text.rpartition(LABEL_SEPARATOR)
    if separator:
        found = list(bins.filter(site__code__iexact=site_code, code__iexact=bin_code)[:1])
        if not found:
            raise InvalidPosting(f"No active bin {bin_code} at site {site_code}.")
        site_id = getattr(site, "pk", site)
        if site_id is not None and found[0].site_id != site_id:
            here = Site.objects.filter(tenant=tenant, pk=site_id).values_list("code", flat=True)
            raise InvalidPosting(
                f"Bin {found[0].code} is at site {found[0].site.code}, not at {here.first()}."
            )
    else:
        if site is not None:
            bins = bins.filter(site=site)
        found = list(bins.filter(code__iexact=text).order_by("site__code"))
        if not found:
            raise InvalidPosting(f"No active bin '{text}'.")
        if len(found) > 1:
            raise AmbiguousBin(code=found[0].code, sites=[b.site for b in found])
    location = (
        Location.objects.filter(tenant=tenant, bin=found[0]).select_related("bin", "site").first()
    )
    if location is None:
        raise InvalidPosting(f"Bin '{found[0].code}' has no ledger location yet.")
    return location
