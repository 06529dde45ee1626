"""The integration API under /api/v1 (DESIGN.md, "Integration").

`erp.api` holds what every app's endpoints share: tokens per tenant and role, the middleware
that turns a token into a member of its tenant, rate limits, Idempotency-Key handling, cursor
pages and the error format. Each app declares its own endpoints in its `api.py` and adds
its router to `erp.api.site.api` from its AppConfig.ready (erp imports no app).
"""
