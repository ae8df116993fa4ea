"""Keep cached public pages fresh: any change to what they show invalidates them all."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from delegates.models import Person, Registration

from .models import Edition, FollowUp, Resolution, Series, Session, Speech, Topic
from .page_cache import content_changed

# Registrations count too: edition pages show accepted delegates by side and category.
PUBLIC_CONTENT = [Series, Edition, Session, Topic, Speech, Resolution, FollowUp, Person, Registration]


def _content_changed(sender, **kwargs):
    content_changed()
    # Again after the commit: a page rendered between the first bump and the commit still
    # showed the old rows, and must not stay cached under the new version.
    transaction.on_commit(content_changed)


def connect():
    for model in PUBLIC_CONTENT:
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    for through in (Speech.topics.through, Resolution.topics.through, Resolution.sponsors.through):
        m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through.__name__}")
