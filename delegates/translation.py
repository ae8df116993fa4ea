"""A person's position and organization are shown on public pages in every language;
extra questions are asked in the delegate's language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Person, Question


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("position", "organization")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "choices")
