"""Background tasks (django-tasks): e-mail to delegates, queued after the change is stored."""

from django_tasks import task

from .emails import delivery_send, focal_point_email_send, invitation_email_send, registration_email_send


@task()
def send_email(
    *,
    kind: str,
    registration_id: int | None = None,
    delivery_id: int | None = None,
    invitation_id: int | None = None,
    delegation_id: int | None = None,
    language: str = "en",
) -> None:
    """Every e-mail goes out through this one task: a workflow message (`kind` names it)
    to a registration, one delegate's copy of a composed message (`kind="composed"`), an
    invitation or its reminder, or a focal point's link (`kind="focal_point"`)."""
    if kind == "composed":
        delivery_send(delivery_id=delivery_id)
    elif kind in ("invitation", "invitation_reminder"):
        invitation_email_send(invitation_id=invitation_id, kind=kind)
    elif kind == "focal_point":
        focal_point_email_send(delegation_id=delegation_id, language=language)
    else:
        registration_email_send(registration_id=registration_id, kind=kind)


@task()
def build_badge_sheet(*, sheet_id: int) -> None:
    from .badge_sheets import badge_sheet_build

    badge_sheet_build(sheet_id=sheet_id)


@task()
def remind_invitees() -> dict:
    """The schedule's run (manage.py sendinvitationreminders): expire and remind invitations."""
    from .services import invitations_remind_and_expire

    return invitations_remind_and_expire()
