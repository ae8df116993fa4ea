"""Whether each translation of a content field is missing, current or stale.

English is the source. When an editor saves a Japanese or Chinese text, the object's
`translation_sources` records a fingerprint of the English it was translated from (and of
the translation itself, to notice the next edit). When the English later changes and the
translation does not, the fingerprints differ: the translation is *stale* until an editor
updates it or marks it current after review. Only fingerprints are stored, never text.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from .choices import ChoiceLabels

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
TRANSLATED_LANGUAGES = [code for code in settings.MODELTRANSLATION_LANGUAGES if code != SOURCE_LANGUAGE]


def source_language(obj) -> str:
    """English for the public record; a delegate's own texts are the source in the language
    they typed them in (delegates.models.Person.own_texts_language)."""
    return getattr(obj, "translation_source_language", None) or SOURCE_LANGUAGE


def translation_languages(obj) -> list[str]:
    source = source_language(obj)
    return [code for code in settings.MODELTRANSLATION_LANGUAGES if code != source]


class State(models.TextChoices):
    MISSING = "missing", _("missing")
    CURRENT = "current", _("current")
    STALE = "stale", _("stale")


def normalized(text: str) -> str:
    """The text as a reader sees it. A browser sends a textarea's line breaks as CRLF and
    the admin strips the ends, so an untouched translation re-saved from the change form
    must keep its fingerprint, or it would pass for a fresh translation of the new English."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def fingerprint(text: str) -> str:
    return hashlib.blake2b(normalized(text).encode(), digest_size=8).hexdigest()


def translated_fields(model) -> tuple[str, ...]:
    return tuple(translator.get_options_for_model(model).fields)


def _key(field, language):
    return f"{field}:{language}"


def _texts(obj, field, language):
    source = getattr(obj, build_localized_fieldname(field, source_language(obj))) or ""
    return source, getattr(obj, build_localized_fieldname(field, language)) or ""


def translation_state(obj, field: str, language: str) -> State | None:
    """None when there is no source text to translate, or `language` is the source's."""
    english, translated = _texts(obj, field, language)
    if not english or language == source_language(obj):
        return None
    if not translated:
        return State.MISSING
    record = (obj.translation_sources or {}).get(_key(field, language))
    # No record: written past the model (a bulk update); nothing says it is out of date.
    if record is None or record["source"] == fingerprint(english):
        return State.CURRENT
    return State.STALE


def sources_recorded(obj) -> dict:
    """The object's translation sources after a save: a translation that is new or was
    edited is recorded as made from the English as it is now; an emptied one is forgotten."""
    sources = dict(obj.translation_sources or {})
    for field in translated_fields(type(obj)):
        sources.pop(_key(field, source_language(obj)), None)  # the source is no translation
        for language in translation_languages(obj):
            english, translated = _texts(obj, field, language)
            key = _key(field, language)
            if not translated:
                sources.pop(key, None)
            elif key not in sources or sources[key]["text"] != fingerprint(translated):
                sources[key] = {"source": fingerprint(english), "text": fingerprint(translated)}
    return sources


def sources_marked_current(obj, language: str | None = None) -> dict:
    """The sources with every translation (of one language, or all) taken as made from the
    English as it is now: an editor reviewed them."""
    sources = dict(obj.translation_sources or {})
    for field in translated_fields(type(obj)):
        for code in [language] if language else translation_languages(obj):
            english, translated = _texts(obj, field, code)
            if translated and code != source_language(obj):
                sources[_key(field, code)] = {"source": fingerprint(english), "text": fingerprint(translated)}
    return sources


def stale_fields(obj, language: str | None = None) -> list[tuple[str, str]]:
    """(field, language) pairs whose translation is stale."""
    return [
        (field, code)
        for field in translated_fields(type(obj))
        for code in ([language] if language else translation_languages(obj))
        if translation_state(obj, field, code) == State.STALE
    ]


def sources_with_copies_stale(obj, fields) -> dict:
    """The sources with every other language's copy of `fields` marked stale: the source
    text is now in another language, and nobody has checked those copies against it."""
    sources = dict(obj.translation_sources or {})
    for field in fields:
        for code in translation_languages(obj):
            _source, copy = _texts(obj, field, code)
            if copy:
                sources[_key(field, code)] = {"source": "", "text": fingerprint(copy)}
    return sources


class TranslationTracked(ChoiceLabels):
    """Content whose translations are tracked against their English source (and whose choice
    labels are translated once per language: see events.choices)."""

    translation_sources = models.JSONField(_("translation sources"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every door that writes content (the admin, the demo loader, imports, the shell)
        # comes through here, so the record of what each translation was made from cannot
        # be forgotten by one of them.
        self.translation_sources = sources_recorded(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "translation_sources"}
        super().save(*args, **kwargs)


def translations_mark_current(*, obj, language: str | None = None) -> None:
    """An editor reviewed the object's translations (of one language, or all): they are current."""
    obj.translation_sources = sources_marked_current(obj, language)
    obj.save(update_fields=["translation_sources"])


# --- What an organizer sees -------------------------------------------------------------


@dataclass(frozen=True)
class Untranslated:
    """A translation that is missing or stale."""

    obj: models.Model
    field: str
    language: str
    state: State

    @property
    def kind(self):
        return self.obj._meta.verbose_name

    @property
    def field_label(self):
        return self.obj._meta.get_field(self.field).verbose_name

    @property
    def admin_url(self):
        meta = self.obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.obj.pk])

    @property
    def reference(self):
        """What the mark-current form posts back: "events.speech:12"."""
        return f"{self.obj._meta.label_lower}:{self.obj.pk}"


@dataclass
class Report:
    untranslated: list[Untranslated]
    # {language: {state: count}} over every field with English to translate
    counts: dict[str, dict[str, int]]


def edition_content(edition) -> list[models.Model]:
    """The edition and everything published under it, a fixed number of queries."""
    from .models import FollowUp

    return [
        edition,
        *edition.sessions.all(),
        *edition.speeches.all(),
        *edition.resolutions.all(),
        *FollowUp.objects.filter(resolution__edition=edition),
    ]


def series_content(series) -> list[models.Model]:
    """What every edition shares: the series and the topics."""
    from .models import Topic

    return [series, *Topic.objects.all()]


def translation_report(objects, language: str | None = None) -> Report:
    languages = [language] if language else TRANSLATED_LANGUAGES
    counts = {code: {state.value: 0 for state in State} for code in languages}
    untranslated = []
    for obj in objects:
        for field in translated_fields(type(obj)):
            for code in languages:
                state = translation_state(obj, field, code)
                if state is None:
                    continue
                counts[code][state.value] += 1
                if state != State.CURRENT:
                    untranslated.append(Untranslated(obj, field, code, state))
    return Report(untranslated, counts)


def tracked_object(reference: str):
    """The object a mark-current form names ("events.speech:12"), or None."""
    from django.apps import apps

    label, _sep, pk = reference.partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if not issubclass(model, TranslationTracked) or not pk.isdigit():
        return None
    return model.objects.filter(pk=int(pk)).first()
