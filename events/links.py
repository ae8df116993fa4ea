"""Absolute addresses and language alternates of the public pages.

Every absolute URL and identifier the site publishes (canonical, og:url, hreflang, sitemap,
feed, API, .ics UID) starts with settings.SITE_URL, never with the request's Host header:
pages are cached whole and shared by every visitor, so one request with a forged Host must
not plant its address in what everyone else is served. Links derived from the request's
path are only offered when the path resolves to one of our pages, so a path such as
`//evil.example/` can never come back as a link that leaves the site.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, override


def absolute_url(path):
    """The public address of a site path ("/en/" → "https://summit.example.org/en/")."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"Not a site path: {path!r}")
    return f"{settings.SITE_URL}{path}"


def site_scheme():
    return urlsplit(settings.SITE_URL).scheme


def site_domain():
    """Host (and port) of SITE_URL, with any path prefix it has: what sitemaps call the domain."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.netloc}{parts.path}"


def site_host():
    """Host name of SITE_URL, for identifiers such as iCalendar UIDs."""
    return urlsplit(settings.SITE_URL).hostname


def is_local_path(url):
    """True for a path on this site ("/en/"); False for "//evil.example/", "/\\evil", "http://…"."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)
    )


# What a path resolves to depends only on the URLconf and the active language (the prefix
# i18n_patterns matches); every page asks several times (switcher, alternates, canonical),
# so each process remembers the answers for the paths it has seen, a bounded number.
@lru_cache(maxsize=4096)
def _view_name(path, active_language):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def resolves(path):
    """True when the path is one of the site's pages (anything the URLconf would not 404 on)."""
    return is_local_path(path) and _view_name(path, get_language()) is not None


# Pages reached through a personal link or by staff: they have no canonical address and
# declare no alternates (search engines must not be told about a token in an address).
PRIVATE_VIEWS = {"delegates:confirm", "delegates:manage", "delegates:cancel", "delegates:badge", "delegates:check_in"}


def is_public_page(path):
    """True for a page anyone may find and index: ours, and not reached through a personal link."""
    return resolves(path) and _view_name(path, get_language()) not in PRIVATE_VIEWS


def translated_path(path, language):
    """The same page in another language, or None when the path is not one of ours."""
    if not resolves(path):
        return None
    return _translated(path, language, get_language())


@lru_cache(maxsize=4096)
def _translated(path, language, active_language):
    url = translate_url(path, language)
    return url if is_local_path(url) else None


def language_home(language):
    with override(language):
        return reverse("events:home")


def x_default_path(path):
    """The address without a language prefix, from which LocaleMiddleware sends each reader on
    to their own language (as in the sitemap); None when the path is not one of ours."""
    default = settings.LANGUAGE_CODE
    url = translated_path(path, default)
    if url is None:
        return None
    url = url.replace(f"/{default}/", "/", 1)
    return url if is_local_path(url) else None
