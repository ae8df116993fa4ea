from django.core.management.base import BaseCommand, CommandError

from events.demo import load_demo
from events.models import Edition
from events.synthetic import create_synthetic_delegates


class Command(BaseCommand):
    help = (
        "Load the Japan–Taiwan Exchange Summit demo content (idempotent). "
        "Optionally add synthetic delegates for load tests."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--synthetic-delegates",
            type=int,
            default=0,
            metavar="N",
            help="Also create N synthetic people registered for the newest edition (marked as synthetic).",
        )

    def handle(self, *args, synthetic_delegates, **options):
        if synthetic_delegates < 0:
            raise CommandError("--synthetic-delegates must be zero or more.")
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo content ready: {editions} editions, {people} people, {speeches} speeches, "
                "{resolutions} resolutions, {topics} topics.".format(**counts)
            )
        )
        if synthetic_delegates:
            edition = Edition.objects.order_by("-ordinal").first()
            created = create_synthetic_delegates(edition, synthetic_delegates)
            self.stdout.write(f"Added {created} synthetic delegates registered for {edition}.")
