import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an organizer login with a generated password, unless an organizer (superuser) exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="organizer")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An organizer login already exists; its password was printed when it was created.")
            self.stdout.write("Forgot it? Run: .venv/bin/python manage.py changepassword <username>")
            return
        # Generated once and shown once: there is no default password to leak.
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS("Organizer login created. It is shown only this once:"))
        self.stdout.write(f"  user:     {username}")
        self.stdout.write(f"  password: {password}")
