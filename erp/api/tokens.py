"""Creating, finding and revoking API tokens (erp.api.models.ApiToken)."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from erp.models import ApiToken, Membership, Tenant, User
from erp.roles import Role, require_role
from erp.tenancy import tenant_context

# "stk_<tenant id>_<43 url-safe characters>": the tenant id lets the token be looked up under
# that tenant's row-level security, like every other row; the secret is 256 random bits.
_TOKEN = re.compile(r"stk_([1-9][0-9]{0,17})_([A-Za-z0-9_-]{43})")
# last_used_at is written at most this often, not on every request.
TOUCH_EVERY = datetime.timedelta(seconds=60)


class TokenNameTaken(DomainError):
    message = _("A token named “{name}” is already in use; revoke it or choose another name.")


class TokenAlreadyRevoked(DomainError):
    message = _("The token “{name}” was already revoked.")


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, tenant: Tenant, user: User, name: str, role: str, rate_per_minute: int = 600
) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never stored."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    name = name.strip()
    if ApiToken.objects.filter(tenant=tenant, name=name, revoked_at__isnull=True).exists():
        raise TokenNameTaken(name=name)
    raw = f"stk_{tenant.pk}_{secrets.token_urlsafe(32)}"
    client = User.objects.create_user(
        f"api-{uuid.uuid4().hex}@tokens.stockline.invalid",
        password=None,
        full_name=f"API: {name}"[:150],
        is_api_client=True,
    )
    Membership.objects.create(tenant=tenant, user=client, role=role)
    token = ApiToken.objects.create(
        tenant=tenant,
        name=name,
        role=role,
        prefix=raw[: raw.index("_", 4) + 5],
        digest=digest(raw),
        client=client,
        rate_per_minute=rate_per_minute,
        created_by=user,
    )
    return token, raw


@transaction.atomic
def revoke_token(*, tenant: Tenant, user: User, token: ApiToken) -> ApiToken:
    """Stops the token at once: its next request is refused, and its member is deactivated."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    token = ApiToken.objects.select_for_update().get(tenant=tenant, pk=token.pk)
    if token.revoked_at is not None:
        raise TokenAlreadyRevoked(name=token.name)
    token.revoked_at = timezone.now()
    token._change_reason = f"revoked by {user.email}"
    token.save(update_fields=["revoked_at"])
    Membership.objects.filter(tenant=tenant, user_id=token.client_id).update(is_active=False)
    return token


def authenticate(raw: str) -> ApiToken | None:
    """The active token `raw` names, or None. Looked up in its own tenant's context."""
    match = _TOKEN.fullmatch(raw)
    if match is None:
        return None
    tenant_id = int(match.group(1))
    with tenant_context(tenant_id):
        token = (
            ApiToken.objects.select_related("client", "tenant")
            .filter(digest=digest(raw), tenant_id=tenant_id, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
