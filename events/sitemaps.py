"""sitemap.xml: every public page in every language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from delegates.models import Person

from .links import site_domain, site_scheme
from .models import Edition, Resolution, Speech, Topic


class _Multilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    # Addresses from SITE_URL, not from the request's Host: the sitemap is cached and shared.
    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_domain()


class StaticPagesSitemap(_Multilingual):
    changefreq = "weekly"

    def items(self):
        return ["events:home", "events:resolution_list", "events:topic_list"]

    def location(self, name):
        return reverse(name)


class EditionSitemap(_Multilingual):
    def items(self):
        return Edition.objects.public()

    def lastmod(self, edition):
        return edition.updated_at


class ParticipantsSitemap(_Multilingual):
    def items(self):
        return Edition.objects.public()

    def location(self, edition):
        return reverse("events:edition_participants", kwargs={"slug": edition.slug})


class SpeechSitemap(_Multilingual):
    def items(self):
        return Speech.objects.select_related("edition").newest_first()

    def lastmod(self, speech):
        return speech.updated_at


class ResolutionSitemap(_Multilingual):
    def items(self):
        return Resolution.objects.select_related("edition").newest_first()

    def lastmod(self, resolution):
        return resolution.updated_at


class TopicSitemap(_Multilingual):
    def items(self):
        return Topic.objects.all()


class PersonSitemap(_Multilingual):
    def items(self):
        return Person.objects.public().order_by("slug")

    def lastmod(self, person):
        return person.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "editions": EditionSitemap,
    "participants": ParticipantsSitemap,
    "speeches": SpeechSitemap,
    "resolutions": ResolutionSitemap,
    "topics": TopicSitemap,
    "people": PersonSitemap,
}
