"""Follow-up work that survives the broker being down: the transactional outbox.

A change that needs work done after it (offer a receipt to backorders, allocate after
putaway, check an upload) calls `enqueue` inside its transaction. That writes an
`OutboxMessage` row in the same transaction, so the work is recorded exactly when the change
commits, and asks for the message to be published to Celery right after commit. If Redis is
down at that moment the request still succeeds: the row stays unsent and `sweep` (run by
beat every 30 seconds) publishes it when Redis is back.

Delivery is at least once (a publish that worked but whose "sent" mark was lost is sent
again), so every task queued this way must be safe to run twice; each one here locks or
re-checks what it works on.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erp.models import OutboxMessage

log = logging.getLogger(__name__)

# A row the request's own after-commit publish should have sent by now; younger ones are left
# to it, so the sweep and the request rarely both send one.
SWEEP_AFTER = timedelta(seconds=20)
KEEP_SENT = timedelta(days=2)
SWEEP_BATCH = 500


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction and publish it after commit.

    `task` is a Celery task (or its registered name); arguments must be JSON values.
    """
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args), kwargs=kwargs)
    # robust: a failure after commit is logged, never turned into an error for a request
    # whose change is already committed.
    transaction.on_commit(lambda: publish([message.pk]), robust=True)
    return message


def _send(message: OutboxMessage, connection) -> None:
    from erp.celery import app

    # No retries here (the sweep retries), and no result-store subscription: a request whose
    # change has committed must not wait on a dead broker.
    app.send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        task_id=f"outbox-{message.pk}",
        retry=False,
        ignore_result=True,
        connection=connection,
    )


@contextlib.contextmanager
def _broker() -> Iterator:
    """A fresh broker connection that gives up after one quick retry (about a second)."""
    from erp.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2)
        yield connection


def publish(ids: list[int]) -> int:
    """Publish the unsent messages among `ids`; returns how many went out.

    Each row is locked while it is sent (SKIP LOCKED: a concurrent sweep passes it by) and
    marked sent in the same transaction. The first failure stops the round: the broker is
    down, and the sweep tries again later.
    """
    if not ids:
        return 0
    sent = 0
    try:
        with _broker() as connection:
            for pk in ids:
                with transaction.atomic():
                    message = (
                        OutboxMessage.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, sent_at__isnull=True)
                        .first()
                    )
                    if message is None:
                        continue
                    try:
                        _send(message, connection)
                    except Exception as exc:
                        _failed([pk], exc)
                        return sent
                    OutboxMessage.objects.filter(pk=pk).update(
                        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
                    )
                    sent += 1
    except Exception as exc:  # no connection to the broker at all
        _failed(ids, exc)
    return sent


def _failed(ids: list[int], exc: Exception) -> None:
    log.warning("outbox: could not queue %s message(s): %s", len(ids), exc)
    OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).update(
        attempts=F("attempts") + 1, last_error=str(exc)[:500]
    )


def sweep() -> int:
    """Publish what after-commit publishing could not, oldest first; forget rows sent long ago.
    Returns how many were published."""
    now = timezone.now()
    OutboxMessage.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=now - SWEEP_AFTER)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return publish(ids)


def pending() -> dict:
    """{"count", "oldest"} of unsent messages, for the health page."""
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True)
    oldest = unsent.order_by("created_at").values_list("created_at", flat=True).first()
    return {"count": unsent.count(), "oldest": oldest}
