"""Whole-page caching for the public site, shared by every process through the cache.

A page is stored under the current *content version*, the language and the full path.
Any change to what the public pages show bumps the version (see `events.signals`), so
every cached page goes stale at once: simpler and safer than tracking which page shows
which row. The version is also the pages' Last-Modified, and each page carries an ETag,
so browsers and proxies revalidate with a cheap 304.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date
from django.utils.translation import get_language

CONTENT_VERSION_KEY = "public-site:content-version"
# A safety net for changes that send no signal (QuerySet.update, bulk_create, raw SQL).
PAGE_TIMEOUT = 10 * 60


def _now_in_microseconds():
    return time.time_ns() // 1000


def content_version():
    """Microseconds since the epoch of the last content change (now, when the cache lost it)."""
    return cache.get_or_set(CONTENT_VERSION_KEY, _now_in_microseconds, timeout=None)


def content_changed():
    """Invalidate every cached public page: every change gets a new, larger version."""
    version = max(_now_in_microseconds(), (cache.get(CONTENT_VERSION_KEY) or 0) + 1)
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)


PAGE_KEY_MARK = "public-page:"


def forget_all_pages():
    """Delete every cached page now, not when it expires: after an erasure no copy of the
    person may stay in the cache. A new content version alone only makes old pages unreachable."""
    content_changed()
    backend = getattr(cache, "_cache", None)
    if hasattr(cache, "_lock") and isinstance(backend, dict):  # LocMemCache
        with cache._lock:
            for key in [key for key in backend if PAGE_KEY_MARK in key]:
                backend.pop(key, None)
                cache._expire_info.pop(key, None)
    elif hasattr(backend, "get_client"):  # Django's RedisCache
        client = backend.get_client(write=True)
        pattern = cache.make_key(f"{PAGE_KEY_MARK}*")
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    else:
        # A backend whose keys cannot be listed: everything goes, pages included.
        cache.clear()


def _last_modified(version):
    # Rounded up to the second HTTP dates have, so a change later in the same second as the
    # page a client holds still reads as newer (almost always; ETags settle the rest).
    return -(-version // 1_000_000)


def _has_personal_state(request):
    # A visitor with a session (an organizer, a delegate mid-registration) or pending
    # messages may see something personal; their pages are neither cached nor served from it.
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _page_key(version, request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"{PAGE_KEY_MARK}{version}:{get_language()}:{request.method == 'HEAD'}:{path}"


def cached_public_page(view):
    """Serve the view from the shared page cache, and answer conditional GETs with 304."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = content_version()
        use_cache = not _has_personal_state(request)
        key = _page_key(version, request)
        response = cache.get(key) if use_cache else None
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):
                response.render()
            set_response_etag(response)
            response["Last-Modified"] = http_date(_last_modified(version))
            # Browsers revalidate each time; the 304 costs one cache read and no SQL.
            patch_cache_control(response, no_cache=True, **({"public": True} if use_cache else {"private": True}))
            if use_cache:
                cache.set(key, response, PAGE_TIMEOUT)
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=_last_modified(version), response=response
        )

    return wrapper
