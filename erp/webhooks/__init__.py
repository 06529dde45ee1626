"""Outgoing webhooks (issue 14): admins subscribe URLs to event types; events are written in
the transaction of the change that caused them and delivered, signed the Standard Webhooks
way, by Celery with retries, a lease against killed workers, and a delivery log with replay."""
