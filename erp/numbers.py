"""Every number a page shows, formatted in one place.

- `plain`: exact, ungrouped (for form inputs and messages read back by machines): 12.5000 -> "12.5".
- `quantity`: exact, grouped, no padding zeros, with its unit: 1230.0000 -> "1,230",
  24.4800 kg -> "24.48 kg".
- `money`: to the cent, grouped, with the currency code after it: "1,230.00 USD"; the code is
  the active tenant's (`erp.formats`) unless the document has its own (purchase orders).
- `price`: a unit price or cost, to the precision kept (up to six places) but never fewer than
  cents: "12.345 USD", "12.50 USD".
- `percent`: exact, grouped: 2.50 -> "2.5%".
Values that are not numbers come back as given; None as "" (plain) or "—".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from erp import formats

CENT = Decimal("0.01")
PRICE_PLACES = Decimal("0.000001")
MISSING = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(value) if not isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _exact(number: Decimal, grouping: str) -> str:
    # normalize() alone writes 10 as 1E+1; "f" keeps plain digits, + 0 turns -0 into 0.
    return format(number.normalize() + 0, f"{grouping}f")


def plain(value) -> str:
    if value is None or value == "":
        return ""
    number = _decimal(value)
    return str(value) if number is None else _exact(number, "")


def quantity(value, unit: str = "") -> str:
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    text = _exact(number, ",")
    return f"{text} {unit}" if unit else text


def _with_currency(text: str, currency: str | None) -> str:
    code = formats.currency() if currency is None else currency
    return f"{text} {code}" if code else text


def money(value, currency: str | None = None) -> str:
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    return _with_currency(format(number.quantize(CENT, rounding=ROUND_HALF_UP) + 0, ",f"), currency)


def price(value, currency: str | None = None) -> str:
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    number = number.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP).normalize()
    if number.as_tuple().exponent > -2:
        number = number.quantize(CENT)
    return _with_currency(format(number + 0, ",f"), currency)


def percent(value) -> str:
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    return f"{_exact(number, ',')}%"
