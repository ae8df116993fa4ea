"""An Atom feed of resolutions and joint statements, newest edition first, in each language."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Resolution

FEED_LENGTH = 50


class ResolutionFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Resolutions of the Japan–Taiwan Exchange Summit")

    def subtitle(self):
        return _("Resolutions and joint statements adopted or put before each edition.")

    def link(self):
        return reverse("events:resolution_list")

    def items(self):
        return Resolution.objects.select_related("edition").newest_first()[:FEED_LENGTH]

    def item_title(self, resolution):
        edition = resolution.edition
        return f"{edition.ordinal_label} · {resolution.get_kind_display()} {resolution.number}: {resolution.title}"

    def item_description(self, resolution):
        return Truncator(resolution.text).words(80)

    def item_pubdate(self, resolution):
        if resolution.status_changed_on:
            return timezone.make_aware(datetime.datetime.combine(resolution.status_changed_on, datetime.time()))
        return resolution.updated_at

    def item_updateddate(self, resolution):
        return resolution.updated_at

    def item_categories(self, resolution):
        return [resolution.get_status_display()]
