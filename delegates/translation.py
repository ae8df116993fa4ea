"""A person's position and organization are shown on public pages in every language;
extra questions are asked in the delegate's language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Delegation, EditionLogistics, Hotel, Person, Question


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("position", "organization")
    # A delegate's text is kept only in the language they typed it in; every page shows it
    # until an organizer adds a translation.
    fallback_languages = {"default": ("en", "ja", "zh-hant")}


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "choices")


@register(EditionLogistics)
class EditionLogisticsTranslation(TranslationOptions):
    # The invitation letter is written in the delegate's language.
    fields = ("letter_issuer", "letter_body", "letter_signatory")


@register(Hotel)
class HotelTranslation(TranslationOptions):
    fields = ("name", "address")


@register(Delegation)
class DelegationTranslation(TranslationOptions):
    fields = ("name",)
