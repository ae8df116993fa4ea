"""An Atom feed of resolutions and joint statements, newest edition first, in each language."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .links import absolute_url
from .models import Resolution

FEED_LENGTH = 50


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _past_days(*days):
    """The known days among these, leaving out dates still ahead (an edition not yet held)."""
    today = timezone.localdate()
    return [day for day in days if day and day <= today]


class ResolutionFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Resolutions of the Japan–Taiwan Exchange Summit")

    def subtitle(self):
        return _("Resolutions and joint statements adopted or put before each edition.")

    # Absolute addresses from SITE_URL (the syndication framework would take the request's host).
    def link(self):
        return absolute_url(reverse("events:resolution_list"))

    def feed_url(self):
        return absolute_url(reverse("events:resolution_feed"))

    # RFC 4287 §4.1.1: a feed needs an author unless every entry has one. The summit
    # series publishes its resolutions; no single person is their author.
    def author_name(self):
        return _("Japan–Taiwan Exchange Summit")

    def author_link(self):
        return absolute_url(reverse("events:home"))

    def items(self):
        return Resolution.objects.select_related("edition").newest_first()[:FEED_LENGTH]

    def item_title(self, resolution):
        edition = resolution.edition
        return f"{edition.ordinal_label} · {resolution.get_kind_display()} {resolution.number}: {resolution.title}"

    def item_link(self, resolution):
        return absolute_url(resolution.get_absolute_url())

    def item_description(self, resolution):
        return Truncator(resolution.text).words(80)

    def item_pubdate(self, resolution):
        """When it was put before its edition: the edition's first day, where known."""
        days = _past_days(resolution.edition.start_date) or _past_days(resolution.status_changed_on)
        return _midnight(days[0]) if days else None

    def item_updateddate(self, resolution):
        """The resolution's own latest date where known. Atom requires an updated date, so one
        without any known date falls back to the last change of its record."""
        days = _past_days(resolution.status_changed_on, resolution.edition.end_date, resolution.edition.start_date)
        return _midnight(max(days)) if days else resolution.updated_at

    def item_categories(self, resolution):
        return [resolution.get_status_display()]
