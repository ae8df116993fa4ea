"""A per-client limit on form posts, counted in the shared cache.

Counters live in Django's cache, so with Redis every gunicorn process sees the same count;
each window is its own key that expires on its own, so nothing needs cleaning up.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from .client import client_address


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


def rate_limited_page(request, scope: str):
    """The 429 page: how long to wait, in words that fit what was limited."""
    _allowed, window = settings.RATE_LIMITS[scope]
    return render(request, "delegates/rate_limited.html", {"minutes": max(1, window // 60), "scope": scope}, status=429)


def rate_limit(scope: str):
    """Answer 429 with a readable page when one address posts too often."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and limit_exceeded(scope, client_address(request) or "unknown"):
                return rate_limited_page(request, scope)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
