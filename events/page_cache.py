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
from django.utils.http import http_date, urlencode
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


# The query parameters each page reads (by URL name); any other query string is junk that
# must not fill the cache with copies of the same page, so such a request is answered
# without the cache. Pages not listed read none.
PAGE_QUERY_PARAMETERS = {
    "resolution_list": {"status", "topic", "edition", "page"},
    "api_resolution_list": {"status", "topic", "edition", "page"},
    "topic_detail": {"speeches", "resolutions"},
    "person_detail": {"speeches", "resolutions"},
    "search": {"q", "kind", "page"},
    "api_edition_list": {"page"},
    "api_speech_list": {"edition", "page"},
}
# Page numbers: digits only, so ?page=1x and ?page=01 do not make more entries than ?page=1.
PAGE_NUMBER_PARAMETERS = {"page", "speeches", "resolutions"}
MAX_QUERY_VALUE_LENGTH = 200


def canonical_query(request) -> str | None:
    """The query string in one canonical order, or None when it is not one the page reads:
    an unknown or repeated parameter, a page number that is not a plain number, a long value."""
    match = request.resolver_match
    allowed = PAGE_QUERY_PARAMETERS.get(match.url_name if match else "", set())
    pairs = []
    for name, values in request.GET.lists():
        if name not in allowed or len(values) != 1 or len(values[0]) > MAX_QUERY_VALUE_LENGTH:
            return None
        value = values[0]
        if name in PAGE_NUMBER_PARAMETERS and value and not (value.isdigit() and value[0] != "0"):
            return None
        pairs.append((name, value))
    return urlencode(sorted(pairs))


def _page_key(version, request, query):
    path = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"{PAGE_KEY_MARK}{version}:{get_language()}:{request.method == 'HEAD'}:{path}"


def cached_public_page(view):
    """Serve the view from the shared page cache, and answer conditional GETs with 304."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = content_version()
        query = canonical_query(request)
        use_cache = query is not None and not _has_personal_state(request)
        key = _page_key(version, request, query) if use_cache else None
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
