"""Template helpers for the public pages: translated content with its English fallback
marked, people's names, the language switcher's links and JSON-LD."""

import json
import re

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.utils.html import _json_script_escapes, conditional_escape, format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, pgettext
from modeltranslation.utils import build_localized_fieldname

from events import links as links_module
from events.scripts import in_reader_script
from events.translation_status import State, translation_state

register = template.Library()


def is_fallback(obj, field):
    """True when the active language's column is empty and English is shown instead."""
    language = get_language()
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    return not getattr(obj, build_localized_fieldname(field, language)) and bool(getattr(obj, field))


# The languages a fallback may come from, in modeltranslation's order: English for the public
# record; a delegate's own text (delegates.translation) in whichever language they typed it.
FALLBACK_ORDER = settings.MODELTRANSLATION_LANGUAGES


@register.simple_tag
def content(obj, field, paragraphs=False):
    """A translated field in the active language; a fallback says which language it is in and
    carries that lang attribute; a stale translation says so."""
    value = getattr(obj, field) or ""
    # linebreaks() escapes the text itself when autoescape is on.
    rendered = mark_safe(linebreaks(value, autoescape=True)) if paragraphs else conditional_escape(value)  # noqa: S308
    language = get_language()
    if not value:
        return rendered
    # is_fallback(), inlined: this tag runs a few hundred times on a list page.
    if getattr(obj, build_localized_fieldname(field, language)):
        if (
            language != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            and hasattr(obj, "translation_sources")
            and translation_state(obj, field, language) == State.STALE
        ):
            return _stale(rendered, paragraphs)
        return rendered
    shown_in = next(
        (code for code in FALLBACK_ORDER if getattr(obj, build_localized_fieldname(field, code), None) == value),
        settings.MODELTRANSLATION_DEFAULT_LANGUAGE,
    )
    if shown_in == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        note, label = gettext("Not yet translated; shown in English."), gettext("English")
    else:
        name = get_language_info(shown_in)["name_translated"]
        note = gettext("Not yet translated; shown as written, in %(language)s.") % {"language": name}
        label = name
    badge = format_html('<span class="fallback-badge" lang="{}" title="{}">{}</span>', language, note, label)
    if paragraphs:
        # Before a block, so the reader knows the language before reading it.
        return format_html('<div lang="{}" class="fallback">{}{}</div>', shown_in, badge, rendered)
    return format_html('<span lang="{}" class="fallback">{}{}</span>', shown_in, rendered, badge)


def _stale(rendered, paragraphs):
    note = format_html(
        '<span class="stale-badge">{}</span>', gettext("The English original has changed since this was translated.")
    )
    if paragraphs:
        return format_html('<div class="stale-translation">{}{}</div>', note, rendered)
    return format_html('<span class="stale-translation">{} {}</span>', rendered, note)


@register.filter
def person_name(person):
    """The name in the reader's script where we have it, the other form beside it:
    頼清徳（William Lai） in ja, 賴清德（William Lai） in zh-hant, William Lai (賴清德) in en."""
    language = get_language()
    if person.native_name and language != "en":
        return f"{in_reader_script(person.native_name, language)}（{person.full_name}）"
    if person.native_name:
        return f"{person.full_name} ({person.native_name})"
    return person.full_name


@register.filter
def person_short_name(person):
    """One form of the name, for titles and breadcrumbs: native script in ja and zh-hant."""
    language = get_language()
    if person.native_name and language != "en":
        return in_reader_script(person.native_name, language)
    return person.full_name


# Query parameters that page through a list; every other one filters or searches it.
PAGE_PARAMETERS = ("page", "speeches", "resolutions")


def canonical_query(request):
    """The part of the query string that names a different page of content: a later page of
    a list keeps its number; a filtered or searched view has none, so every filter
    combination points at the unfiltered list instead of becoming an indexable page."""
    if getattr(request, "uncacheable_query", False) or any(key not in PAGE_PARAMETERS for key in request.GET):
        return ""
    pages = QueryDict(mutable=True)
    for key in sorted(request.GET):
        # A page number past the first, as written by our own links (no "02", "²" or 10**5000).
        if re.fullmatch(r"[2-9]|[1-9][0-9]{1,5}", request.GET[key]):
            pages[key] = request.GET[key]
    return f"?{pages.urlencode()}" if pages else ""


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language, for the switcher and the hreflang alternates.

    `url` (the switcher's link) keeps the query string, so a filtered list stays filtered;
    `absolute_url` (the alternate) is the canonical address, from SITE_URL. An address that
    is not one of our pages (a 404) cannot be translated: each language offers its home
    page and there is no alternate.
    """
    request = context.get("request")
    current = get_language()
    query = request.GET.urlencode() if request else ""
    public = request is not None and links_module.is_public_page(request.path)
    links = []
    for code, _name in settings.LANGUAGES:
        path = links_module.translated_path(request.path, code) if request else None
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": (f"{path}?{query}" if query else path) if path else links_module.language_home(code),
                "absolute_url": links_module.absolute_url(path) + canonical_query(request) if path and public else None,
                "is_current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def x_default_url(context):
    """Like the sitemap's x-default: the address without a language prefix, from which
    LocaleMiddleware sends each reader on to their own language."""
    request = context.get("request")
    if request is None or not links_module.is_public_page(request.path):
        return ""
    path = links_module.x_default_path(request.path)
    return links_module.absolute_url(path) + canonical_query(request) if path else ""


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's one indexable address, from SITE_URL (none for an address that is not ours)."""
    request = context.get("request")
    if request is None or not links_module.is_public_page(request.path):
        return ""
    return links_module.absolute_url(request.path) + canonical_query(request)


@register.filter
def json_ld(data):
    """Structured data in a <script type="application/ld+json">, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def page_url(context, parameter, number):
    """The current URL's query string with one page parameter changed."""
    query = context["request"].GET.copy()
    query[parameter] = number
    return f"?{query.urlencode()}"


OPEN_GRAPH_LOCALES = {"en": "en_US", "ja": "ja_JP", "zh-hant": "zh_TW"}


@register.simple_tag
def og_locale(code):
    return OPEN_GRAPH_LOCALES.get(code, code)


@register.simple_tag
def status_badge(status, label):
    """The status as a badge; a tag rather than an include, which costs ten times more in a loop."""
    return format_html('<span class="badge badge-{}">{}</span>', status, label)


# The lists of speeches and resolutions are the public pages' longest parts (an edition shows
# every one of its speeches and resolutions): rendered here, a row costs a fraction of what the
# same markup costs as an included template.

VISIBLE_DELIVERY_MODES = ("video_message", "written_message")


def _edition_label(edition):
    return format_html("{} · {} {}", edition.ordinal_label, content(edition, "host_city"), edition.year)


def _speech_meta(speech, show_edition):
    parts = [_edition_label(speech.edition)] if show_edition else []
    speaker = speech.speaker
    if speaker is not None and speaker.is_public:
        parts.append(conditional_escape(person_name(speaker)))
    if speech.delivery_mode in VISIBLE_DELIVERY_MODES:
        parts.append(
            format_html(
                '<span class="badge badge-{}">{}</span>', speech.delivery_mode, speech.get_delivery_mode_display()
            )
        )
    return mark_safe(" · ".join(parts))  # noqa: S308 (each part is escaped above)


@register.simple_tag
def speech_items(speeches, show_edition=False):
    """The speeches as a list: title, then the edition (when asked), the speaker (when public)
    and how it was delivered when not in person."""
    rows = format_html_join(
        "\n",
        '    <li>\n      <a href="{}">{}</a>\n      <p class="meta">{}</p>\n    </li>',
        (
            (speech.get_absolute_url(), content(speech, "title"), _speech_meta(speech, show_edition))
            for speech in speeches
        ),
    )
    return format_html('<ul class="item-list">\n{}\n</ul>', rows)


@register.simple_tag
def resolution_items(resolutions, show_edition=False):
    """The resolutions as a list: number and title (after the edition, when asked), kind and status."""
    number_label = gettext("No. %(number)s")
    separator = pgettext("between a number and a title", ": ")
    rows = []
    for resolution in resolutions:
        edition_prefix, place = "", ""
        if show_edition:
            edition = resolution.edition
            edition_prefix = format_html("{} · ", edition.ordinal_label)
            place = format_html(" · {} {}", content(edition, "host_city"), edition.year)
        rows.append(
            (
                resolution.get_absolute_url(),
                edition_prefix,
                number_label % {"number": resolution.number},
                separator,
                content(resolution, "title"),
                resolution.get_kind_display(),
                place,
                status_badge(resolution.status, resolution.get_status_display()),
            )
        )
    items = format_html_join(
        "\n",
        '    <li>\n      <a href="{}">{}{}{}{}</a>\n      <p class="meta">{}{} · {}</p>\n    </li>',
        rows,
    )
    return format_html('<ul class="item-list">\n{}\n</ul>', items)
