"""One HTTP attempt of a delivery, signed as the Standard Webhooks spec says, and the retry
schedule. No database access here: the caller claims the delivery before and records the
outcome after, so no transaction stays open across the network call."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from erp.webhooks.models import SECRET_PREFIX

TIMEOUT_SECONDS = 10
# The wait after the nth failed attempt; the attempt after the last wait is the last one.
BACKOFF = [
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=6),
    datetime.timedelta(hours=12),
    datetime.timedelta(hours=24),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
USER_AGENT = "Stockline-Webhooks/1"


def retry_after(attempts: int) -> datetime.timedelta | None:
    """How long to wait after `attempts` failed attempts; None when it is time to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return BACKOFF[attempts - 1]


def body(event) -> bytes:
    """The JSON sent for `event`: the same bytes on every attempt (the timestamp is the
    event's, the time of sending is in the `webhook-timestamp` header)."""
    document = {
        "type": event.type,
        "timestamp": event.created_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, webhook_id: str, timestamp: int, payload: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the decoded secret."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.".encode() + payload
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(*, secret: str, webhook_id: str, timestamp: int, payload: bytes) -> dict[str, str]:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, payload),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


class Refused(Exception):
    """The URL may not be called (a private address where those are not allowed)."""


def check_host(url: str) -> None:
    """Refuse a host that resolves to a loopback, private, link-local or otherwise internal
    address unless WEBHOOK_ALLOW_PRIVATE_HOSTS is on (development and tests): an admin's URL
    must not become a way to reach the servers behind Stockline. Checked at each attempt,
    because what a name resolves to changes."""
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"Refused: {url} is not an http(s) URL.")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(f"Could not resolve {parts.hostname}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise Refused(
                f"Refused: {parts.hostname} resolves to {address}, a private or internal address."
            )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: following one could lead to an address
    `check_host` never saw."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class Outcome:
    status_code: int | None
    error: str

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, payload: bytes, sent_headers: dict[str, str]) -> Outcome:
    """POST once; never raises for what the receiver or the network does."""
    try:
        check_host(url)
    except Refused as exc:
        return Outcome(None, str(exc))
    request = urllib.request.Request(url, data=payload, headers=sent_headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(response.status, "")
    except urllib.error.HTTPError as exc:
        try:
            snippet = exc.read(300).decode("utf-8", errors="replace") if exc.fp else ""
        except OSError:  # the receiver hung up while sending its error page
            snippet = ""
        return Outcome(exc.code, f"HTTP {exc.code} {exc.reason}: {snippet}".strip()[:500])
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(None, f"{type(exc).__name__}: {reason}"[:500])
