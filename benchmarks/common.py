"""What the benchmarks share: the data set the issue measures and the public pages to request.

The data set is the demo plus `size` (default 50) speeches, resolutions and public people in
one held edition, the size of a mid-sized pretalx event (tests.factories.make_public_record).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def default_environment(database_url):
    """Default production settings, except plain http on the loopback and a scratch database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit_site.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("DATABASE_URL", database_url)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    # The benchmark talks plain http to 127.0.0.1; production redirects to https.
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")


def build_public_dataset(size=50):
    """Flush the database, then write the demo and `size` of each public kind. Returns the record."""
    from django.core.management import call_command

    from events.demo import load_demo
    from tests.factories import make_public_record

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    load_demo()
    return make_public_record(size)


def public_pages(record=None):
    """(label, path) of every kind of public page, in English; the record from build_public_dataset."""
    from django.urls import reverse
    from django.utils import translation

    from delegates.models import Person
    from events.models import Edition, Topic

    if record is None:
        held = Edition.objects.filter(slug__contains="-edition-1").order_by("-pk").first()
        record = {
            "held": held,
            "topic": Topic.objects.filter(speeches__edition=held).first(),
            "star": Person.objects.filter(speeches__edition=held).first(),
        }
    held = record["held"]
    speech = held.speeches.order_by("order").first()
    pages = [
        ("home", "events:home", {}, ""),
        ("edition", "events:edition_detail", {"slug": held.slug}, ""),
        ("speech", "events:speech_detail", {"edition_slug": held.slug, "slug": speech.slug}, ""),
        ("resolution", "events:resolution_detail", {"edition_slug": held.slug, "number": 1}, ""),
        ("resolutions", "events:resolution_list", {}, ""),
        ("topics", "events:topic_list", {}, ""),
        ("topic", "events:topic_detail", {"slug": record["topic"].slug}, ""),
        ("person", "events:person_detail", {"slug": record["star"].slug}, ""),
        ("search", "events:search", {}, "?q=supply"),
        ("api", "events:api_resolution_list", {}, ""),
        ("feed", "events:resolution_feed", {}, ""),
    ]
    with translation.override("en"):
        return [(label, reverse(name, kwargs=kwargs) + query) for label, name, kwargs, query in pages]
