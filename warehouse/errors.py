from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError


class WarehouseError(DomainError):
    """Input the floor must fix (wrong bin, closed order, missing lot...), said in full."""

    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


class ReceivingError(WarehouseError):
    pass


class BatchTaken(WarehouseError):
    """Another picker started (or took over) the batch first; names them and what is next."""

    def __init__(self, *, batch, picker: str, next_batch=None, taken_over: bool = False):
        verb = "taken over" if taken_over else "taken"
        then = (
            f"here is the next one: {next_batch}."
            if next_batch is not None
            else "no other batch is waiting."
        )
        super().__init__(
            f"Batch {batch} was {verb} by {picker}; {then}",
            batch=batch,
            picker=picker,
            next_batch=next_batch,
        )
