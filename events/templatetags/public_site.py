"""Template helpers for the public pages: translated content with its English fallback
marked, people's names, the language switcher's links and JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse, translate_url
from django.utils.html import _json_script_escapes, conditional_escape, format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, override
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


def is_fallback(obj, field):
    """True when the active language's column is empty and English is shown instead."""
    language = get_language()
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    return not getattr(obj, build_localized_fieldname(field, language)) and bool(getattr(obj, field))


@register.simple_tag
def content(obj, field, paragraphs=False):
    """A translated field in the active language; an English fallback says so and carries lang="en"."""
    value = getattr(obj, field) or ""
    # linebreaks() escapes the text itself when autoescape is on.
    rendered = mark_safe(linebreaks(value, autoescape=True)) if paragraphs else conditional_escape(value)  # noqa: S308
    language = get_language()
    # is_fallback(), inlined: this tag runs a few hundred times on a list page.
    if (
        not value
        or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        or getattr(obj, build_localized_fieldname(field, language))
    ):
        return rendered
    badge = format_html(
        '<span class="fallback-badge" lang="{}" title="{}">{}</span>',
        language,
        gettext("Not yet translated; shown in English."),
        gettext("English"),
    )
    if paragraphs:
        # Before a block, so the reader knows the language before reading it.
        return format_html('<div lang="en" class="fallback">{}{}</div>', badge, rendered)
    return format_html('<span lang="en" class="fallback">{}{}</span>', rendered, badge)


@register.filter
def person_name(person):
    """The name as written in the reader's script where we have it: 賴清德 (William Lai) in ja/zh-hant."""
    if person.native_name and get_language() != "en":
        return f"{person.native_name} ({person.full_name})"
    if person.native_name:
        return f"{person.full_name} ({person.native_name})"
    return person.full_name


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language, for the switcher and the hreflang alternates."""
    request = context.get("request")
    current = get_language()
    path = request.get_full_path() if request else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            # A path that resolves to nothing (a 404) cannot be translated: offer that language's home.
            with override(code):
                url = reverse("events:home")
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request else url,
                "is_current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def x_default_url(context):
    """Like the sitemap's x-default: the address without a language prefix, from which
    LocaleMiddleware sends each reader on to their own language."""
    request = context.get("request")
    if request is None:
        return ""
    default = settings.LANGUAGE_CODE
    return request.build_absolute_uri(translate_url(request.get_full_path(), default).replace(f"/{default}/", "/", 1))


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
