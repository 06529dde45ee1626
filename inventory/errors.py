from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class DuplicateCode(DomainError):
    message = _("{kind} {code} already exists{where}.")


class InsufficientStock(DomainError):
    """Facts: sku, location, lot, available, requested."""

    message = _("Only {available} of {sku} in {location}{lot_text}; {requested} requested.")

    def __init__(self, *, sku, location, lot, available, requested, status="available"):
        lot_text = f" (lot {lot})" if lot else ""
        if status != "available":
            lot_text += f" [{status}]"
        super().__init__(
            sku=sku, location=location, lot=lot, lot_text=lot_text, status=status,
            available=_number(available), requested=_number(requested),
        )  # fmt: skip


class InvalidPosting(DomainError):
    """Input a posting cannot take (unknown unit, missing lot, bad quantity, ...)."""

    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


class AmbiguousBin(InvalidPosting):
    """A bin code typed without a site that exists at several sites; `sites` are the
    candidates, so a form can offer them instead of a dead end."""

    def __init__(self, *, code: str, sites):
        names = ", ".join(site.code for site in sites)
        super().__init__(
            f"Bin {code} exists at {names}: choose the site.", code=code, sites=list(sites)
        )


class UnitConversionError(InvalidPosting):
    pass


class SerialConflict(DomainError):
    message = _("Serial {serial} of {sku} is already in stock elsewhere ({where}).")


class AlreadyReversed(DomainError):
    message = _("Transaction #{transaction} was already reversed by #{reversal}.")


class CannotReverse(DomainError):
    message = _("Transaction #{transaction} cannot be reversed: {why}")


class LedgerInconsistent(RuntimeError):
    """A bug or tampering, not bad input: not a DomainError, so no view shows it as a form
    error and commits around it; the request fails and rolls back."""

    def __init__(self, *, sku: str, site: str):
        super().__init__(
            f"The ledger does not match its cost layers for {sku} at {site}; run verify_ledger."
        )


def _number(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class InvalidGtin(DomainError):
    """Facts: gtin, reason (biip's explanation: length, digits or check digit)."""

    message = _("{reason}")


class DuplicateGtin(DomainError):
    message = _("GTIN {gtin} already belongs to {sku} (unit {unit}).")


class InvalidItem(DomainError):
    """An item or unit breaking a rule of the item master; `detail` names the facts."""

    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


class ItemLocked(DomainError):
    """Facts: sku, field, old, new, balances (not at zero), lots."""

    message = _("The {field} of {sku} cannot change from {old} to {new}: it has {held}.")

    def __init__(self, *, sku, field, old, new, balances: int, lots: int):
        parts = []
        if balances:
            parts.append(f"{balances} stock balance(s) not at zero")
        if lots:
            parts.append(f"{lots} lot(s)")
        super().__init__(
            sku=sku, field=field, old=old, new=new, balances=balances, lots=lots,
            held=" and ".join(parts),
        )  # fmt: skip
