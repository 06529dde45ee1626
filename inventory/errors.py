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


class UnitConversionError(InvalidPosting):
    pass


class SerialConflict(DomainError):
    message = _("Serial {serial} of {sku} is already in stock elsewhere ({where}).")


class AlreadyReversed(DomainError):
    message = _("Transaction #{transaction} was already reversed by #{reversal}.")


class CannotReverse(DomainError):
    message = _("Transaction #{transaction} cannot be reversed: {why}")


class LedgerInconsistent(DomainError):
    message = _("The ledger does not match its cost layers for {sku} at {site}; run verify_ledger.")


def _number(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
