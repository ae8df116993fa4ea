from django.core.management.base import BaseCommand

from delegates import retention


class Command(BaseCommand):
    help = (
        "Erase delegates' personal data of editions past their retention period, and delete "
        "registrations whose confirmation link expired unused. Prints what it would do; "
        "--apply does it. Run it daily (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Erase for real (default: only print).")

    def handle(self, *args, apply=False, **options):
        verb = "Erased" if apply else "Would erase"
        editions = retention.editions_past_retention()
        for edition in editions:
            plan = (
                retention.edition_purge_personal_data(edition=edition)
                if apply
                else retention.edition_purge_plan(edition)
            )
            self.stdout.write(
                f"{verb}: {edition} (held {edition.held_on:%Y-%m-%d}, kept until "
                f"{edition.personal_data_kept_until:%Y-%m-%d}): personal data of {plan.registrations} "
                f"registrations, {len(plan.people_anonymized)} people anonymized, "
                f"{len(plan.people_kept)} public people kept without contact data"
            )
        expired = list(retention.unconfirmed_registrations_expired())
        people_deleted = 0
        if apply:
            for registration in expired:
                people_deleted += retention.registration_expire(registration=registration)
        self.stdout.write(
            f"{'Deleted' if apply else 'Would delete'}: {len(expired)} unconfirmed registrations whose "
            f"confirmation link expired" + (f", and {people_deleted} people known only from them" if apply else "")
        )
        if apply:
            self.stdout.write(
                f"Sessions: {retention.sessions_purge()} expired sessions or stale import previews removed"
            )
        if not editions and not expired:
            self.stdout.write("Nothing to erase.")
        if not apply:
            self.stdout.write("Dry run: nothing was changed. Run again with --apply to erase.")
