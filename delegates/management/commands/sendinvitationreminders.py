from django.core.management.base import BaseCommand

from delegates.tasks import remind_invitees


class Command(BaseCommand):
    help = (
        "Remind invitees who have not answered, as each edition's reminder settings say, and mark "
        "invitations past their link's age expired. Goes through the task queue; run it daily (see README)."
    )

    def handle(self, *args, **options):
        result = remind_invitees.enqueue()
        if result.is_finished:
            counts = result.return_value
            self.stdout.write(f"Reminded {counts['reminded']} invitees; {counts['expired']} invitations expired.")
        else:
            self.stdout.write(f"Queued as task {result.id}: the task worker reminds and expires invitations.")
