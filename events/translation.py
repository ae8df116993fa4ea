"""Fields the public reads, stored once per language (en, ja, zh-hant)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Edition, FollowUp, Resolution, Series, Session, Speech, Topic


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Edition)
class EditionTranslation(TranslationOptions):
    fields = ("host_city", "region", "venue", "theme", "summary")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description", "room")


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Speech)
class SpeechTranslation(TranslationOptions):
    fields = ("title", "summary", "transcript", "speaker_role")


@register(Resolution)
class ResolutionTranslation(TranslationOptions):
    fields = ("title", "text")


@register(FollowUp)
class FollowUpTranslation(TranslationOptions):
    fields = ("report",)
