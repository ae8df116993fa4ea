"""The client's address, read one way for the rate limits, django-axes and the audit log.

Behind N proxies of our own, each appends the address it saw to X-Forwarded-For, so the
Nth entry from the right is the address our outermost proxy saw: a client can put anything
to its left, never there. Everything else in the header is ignored. Whatever is found must
parse as an IP address; junk ("unknown", "1.2.3.4:80", "<script>") is never returned, so the
audit log's GenericIPAddressField and the lockout table only ever see a real address.

We read the header ourselves rather than through django-ipware: its proxy count numbers the
entries from the left, where a client can add entries and shift which one is trusted.
"""

import ipaddress

from django.conf import settings


def _valid(candidate: str) -> str | None:
    candidate = candidate.strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address as a string, or None when there is no usable one."""
    proxies = settings.RATE_LIMIT_PROXY_COUNT
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            # The entry our outermost proxy wrote; if it is junk, the proxy itself is misbehaving,
            # and the direct peer is the only address left that nobody outside could choose.
            return _valid(forwarded[-proxies]) or _valid(request.META.get("REMOTE_ADDR", ""))
    return _valid(request.META.get("REMOTE_ADDR", ""))
