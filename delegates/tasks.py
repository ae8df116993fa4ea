"""Background tasks (django-tasks): e-mail to delegates, queued after the change is stored."""

from django_tasks import task

from .emails import registration_email_send


@task()
def send_registration_email(*, registration_id: int, kind: str) -> None:
    registration_email_send(registration_id=registration_id, kind=kind)


@task()
def build_badge_sheet(*, sheet_id: int) -> None:
    from .badge_sheets import badge_sheet_build

    badge_sheet_build(sheet_id=sheet_id)
