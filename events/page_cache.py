"""Whole-page caching for the public site, shared by every process through the cache.

A page is stored under the *versions* of what it shows, the language and the full path.
Two kinds of version exist:

- the site's content version, which any change to editions, programme, speeches,
  resolutions, topics or publicly shown people moves on (rare: editors make those);
- one version per edition for what its own page shows of registrations (the accepted
  delegates by side and category), which moves on only when those figures change, so a
  confirmation, a check-in or a resent e-mail on registration day leaves every page cached.

`events.signals` decides which change moves which version. The versions are also the
pages' Last-Modified, and each page carries an ETag, so browsers and proxies revalidate
with a cheap 304. Shared caches (a reverse proxy, a CDN) may hold a public page for
`PUBLIC_PAGE_SHARED_MAX_AGE` seconds; pages for visitors with personal state are never stored.

A blank form page (the registration form) is stored the same way, once, with a placeholder
where each visitor's CSRF token goes; it is served privately (`blank_form_page`).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language

CONTENT_VERSION_KEY = "public-site:content-version"
# A safety net for changes that send no signal (QuerySet.update, bulk_create, raw SQL).
PAGE_TIMEOUT = 10 * 60


def edition_version_key(slug):
    return f"public-site:edition-version:{slug}"


def edition_fingerprint_key(edition_id):
    return f"public-site:edition-fingerprint:{edition_id}"


def _now_in_microseconds():
    return time.time_ns() // 1000


def _bump(key):
    version = max(_now_in_microseconds(), (cache.get(key) or 0) + 1)
    cache.set(key, version, timeout=None)


def content_version():
    """Microseconds since the epoch of the last content change (now, when the cache lost it)."""
    return cache.get_or_set(CONTENT_VERSION_KEY, _now_in_microseconds, timeout=None)


def content_changed():
    """Invalidate every cached public page: every change gets a new, larger version."""
    _bump(CONTENT_VERSION_KEY)


def edition_registrations_changed(slug):
    """Invalidate the pages that show the edition's registration figures (its own page)."""
    _bump(edition_version_key(slug))


def _versions(edition_slug):
    if edition_slug is None:
        return [content_version()]
    keys = [CONTENT_VERSION_KEY, edition_version_key(edition_slug)]
    found = cache.get_many(keys)
    now = _now_in_microseconds()
    missing = {key: now for key in keys if key not in found}
    if missing:
        # Lost or never set: start from now, which is newer than any page already stored.
        cache.set_many(missing, timeout=None)
    return [found.get(key, now) for key in keys]


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
    # page a client holds still reads as newer (almost always; ETags settle the rest); never
    # later than now, which HTTP forbids (RFC 9110 §8.8.2.1).
    return min(-(-version // 1_000_000), int(time.time()))


def refuse_query(request):
    """Called by a view whose query string asks for something it did not serve as asked (an
    unknown filter value, a page number past the end) or for free text (a search): there is
    no end to such strings, so the page is neither stored nor given a canonical query."""
    request.uncacheable_query = True


def paginate(request, items, per_page, parameter="page"):
    """Paginator.get_page (a bad or out-of-range number shows the nearest page), refusing the
    cache when the page shown is not the one asked for."""
    asked = request.GET.get(parameter)
    page = Paginator(items, per_page).get_page(asked)
    if asked is not None and asked != str(page.number):
        refuse_query(request)
    return page


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


def _page_key(versions, request, query):
    path = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    version = ".".join(str(version) for version in versions)
    return f"{PAGE_KEY_MARK}{version}:{get_language()}:{request.method == 'HEAD'}:{path}"


def _patch_public_cache_control(response):
    # Browsers revalidate each time (the 304 costs one cache read and no SQL); a shared
    # cache may answer for a short while, then must revalidate with the ETag.
    patch_cache_control(
        response, public=True, max_age=0, must_revalidate=True, s_maxage=settings.PUBLIC_PAGE_SHARED_MAX_AGE
    )


def cached_public_page(view=None, *, edition_kwarg=None):
    """Serve the view from the shared page cache, and answer conditional GETs with 304.

    `edition_kwarg` names the URL argument holding an edition's slug when the page also
    shows that edition's registration figures.
    """
    if view is None:
        return lambda view: cached_public_page(view, edition_kwarg=edition_kwarg)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        # Read before the page is rendered: a change committed while it renders moves the
        # version on, and the page lands under the old one, which nobody asks for again.
        versions = _versions(kwargs.get(edition_kwarg) if edition_kwarg else None)
        last_modified = _last_modified(max(versions))
        query = canonical_query(request)
        use_cache = query is not None and not _has_personal_state(request)
        key = _page_key(versions, request, query) if use_cache else None
        response = cache.get(key) if use_cache else None
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):
                response.render()
            set_response_etag(response)
            response["Last-Modified"] = http_date(last_modified)
            if use_cache and not getattr(request, "uncacheable_query", False):
                _patch_public_cache_control(response)
                cache.set(key, response, PAGE_TIMEOUT)
            else:
                add_never_cache_headers(response)
        response = get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
        if request.method == "HEAD" and response.content:
            # The headers of the page, Content-Length included, without its body (a WSGI
            # server must not send one; the stored page is shared, so it is copied).
            head = HttpResponse(status=response.status_code)
            for header, value in response.items():
                head[header] = value
            head["Content-Length"] = str(len(response.content))
            return head
        return response

    return wrapper


# --- Blank form pages --------------------------------------------------------------------

# Stands where each visitor's CSRF token goes (letters and dashes: HTML escaping keeps it).
CSRF_TOKEN_PLACEHOLDER = "csrf-token-placeholder-5b0e9d"


def shareable_form_page(response, *, until=None):
    """Mark a blank form page (an unrendered TemplateResponse) as the same for every visitor
    but the CSRF token, until `until` (when the form stops being offered; None: no end)."""
    response.shareable_form_page = True
    response.shareable_until = until
    return response


def blank_form_page(figures):
    """Serve a blank form page from the shared cache, each visitor with their own CSRF token.

    The page is stored once, with a placeholder where the token goes, under the content
    version, the language, the path and `figures(**kwargs)`: what else the page shows that
    changes without a content change (an edition's free places and waiting list). The view
    decides what may be stored, with `shareable_form_page`; a visitor with a session, a
    query string or a post always gets the view itself.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            if request.method != "GET" or request.GET or _has_personal_state(request):
                return view(request, **kwargs)
            path = hashlib.sha256(request.path.encode()).hexdigest()
            shown = figures(**kwargs)
            figures_key = ".".join(str(figure) for figure in shown)
            key = f"{PAGE_KEY_MARK}form:{content_version()}:{get_language()}:{path}:{figures_key}"
            stored = cache.get(key)
            if stored is None:
                response = view(request, **kwargs)
                if response.status_code != 200 or not getattr(response, "shareable_form_page", False):
                    return response
                response.context_data["csrf_token"] = CSRF_TOKEN_PLACEHOLDER
                response.render()
                until = response.shareable_until
                stored = (response.content.decode(response.charset), response["Content-Type"], until)
                timeout = PAGE_TIMEOUT if until is None else min(PAGE_TIMEOUT, (until - timezone.now()).total_seconds())
                # Stored only if the figures did not move while the page rendered: it would
                # show other figures than its key says.
                if timeout >= 1 and figures(**kwargs) == shown:
                    cache.set(key, stored, int(timeout))
            content, content_type, until = stored
            if until is not None and timezone.now() >= until:
                # Stored just before the form stopped being offered: the view says why.
                return view(request, **kwargs)
            return HttpResponse(content.replace(CSRF_TOKEN_PLACEHOLDER, get_token(request)), content_type=content_type)

        return wrapper

    return decorator


class PrivateByDefaultMiddleware:
    """Responses that say nothing about caching are private and never stored.

    The public pages say `public` (above); the registration form, the self-service pages
    and everything else hold a CSRF token or personal data, so no shared cache may keep them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
