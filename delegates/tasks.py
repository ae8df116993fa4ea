"""Background tasks (django-tasks): e-mail to delegates, queued after the change is stored."""

from django_tasks import task

from .emails import delivery_send, registration_email_send


@task()
def send_email(*, kind: str, registration_id: int | None = None, delivery_id: int | None = None) -> None:
    """Every e-mail goes out through this one task: a workflow message (`kind` names it)
    to a registration, or one delegate's copy of a composed message (`kind="composed"`)."""
    if kind == "composed":
        delivery_send(delivery_id=delivery_id)
    else:
        registration_email_send(registration_id=registration_id, kind=kind)


@task()
def build_badge_sheet(*, sheet_id: int) -> None:
    from .badge_sheets import badge_sheet_build

    badge_sheet_build(sheet_id=sheet_id)
