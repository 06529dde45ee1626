"""GTINs of item units, checked by biip (GS1 lengths and check digit; DOMAIN.md, "GS1")."""

from __future__ import annotations

from biip import ParseError
from biip.gtin import Gtin

from inventory.errors import InvalidGtin


def normalize_gtin(value: str) -> str:
    """`value` as its 14-digit form, or "" for an empty value. Raises `InvalidGtin`.

    One GTIN has one stored form, so the per-tenant unique constraint also catches a UPC-A
    entered once with 12 digits and once with 13 or 14. Scanned (01) values are 14 digits.
    """
    text = value.strip()
    if not text:
        return ""
    if not text.isascii():
        # biip accepts any Unicode digit; barcodes only carry 0-9.
        raise InvalidGtin(gtin=text, reason=f"GTIN '{text}' may only hold the digits 0-9.")
    try:
        return Gtin.parse(text).as_gtin_14()
    except ParseError as exc:
        raise InvalidGtin(gtin=text, reason=str(exc)) from exc


def gtin_forms(gtin14: str) -> list[str]:
    """The ways a GTIN-14 may have been stored: itself and, where its leading digits are
    zeros, its 13-, 12- and 8-digit forms (rows written as printed on the label)."""
    forms = [gtin14]
    for zeros in (1, 2, 6):
        if gtin14.startswith("0" * zeros):
            forms.append(gtin14[zeros:])
    return forms
