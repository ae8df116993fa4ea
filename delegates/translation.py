"""A person's position and organization are shown on public pages in every language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Person


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("position", "organization")
