"""A per-client limit on form posts, counted in the shared cache.

Counters live in Django's cache, so with Redis every gunicorn process sees the same count;
each window is its own key that expires on its own, so nothing needs cleaning up.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    """The client's address; behind N trusted proxies, the Nth address from the right."""
    proxies = settings.RATE_LIMIT_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def limit_exceeded(scope: str, client: str) -> bool:
    """Count one hit for `client` in `scope`; True once the window's allowance is used up."""
    allowed, window = settings.RATE_LIMITS[scope]
    key = f"ratelimit:{scope}:{client}:{int(time.time() // window)}"
    # add() is atomic and only creates the key if it is missing; incr() is atomic too.
    cache.add(key, 0, timeout=window + 5)
    try:
        hits = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this is the first hit of a new window.
        cache.add(key, 1, timeout=window + 5)
        hits = 1
    return hits > allowed


def rate_limit(scope: str):
    """Answer 429 with a readable page when one address posts too often."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and limit_exceeded(scope, client_address(request)):
                _allowed, window = settings.RATE_LIMITS[scope]
                return render(
                    request,
                    "delegates/rate_limited.html",
                    {"minutes": max(1, window // 60)},
                    status=429,
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
