"""Keep cached public pages fresh, invalidating only what a change can alter.

- The public record (series, editions, sessions, topics, speeches, resolutions, follow-ups)
  moves the site's content version: every page may show it.
- A person moves it only when shown publicly before or after the change (a public person,
  or a speaker); the people who register on registration day are private.
- A registration of someone who agreed to be listed moves it too: accepting and confirming
  is what makes them public (Person.objects.public()).
- Otherwise a registration moves only its edition's version, and only when the figures the edition
  page shows (accepted delegates by side and category, and how many wait for a place)
  differ once it commits. If those figures changed for a public person, the content version
  moves too: their page lists the editions they take part in.
- A registration form question moves the content version: the blank registration form is
  stored like the public pages (events.page_cache.blank_form_page).

Content changes invalidate at once (inside the transaction, so the writer's own next page
is fresh) and again after the commit: a page rendered between the first one and the commit
still showed the old rows and must not stay cached under the new version.
"""

from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from delegates.models import Person, Question, Registration

from .models import Edition, FollowUp, Resolution, Series, Session, Speech, Topic
from .page_cache import content_changed, edition_fingerprint_key, edition_registrations_changed

PUBLIC_RECORD = [Series, Edition, Session, Topic, Speech, Resolution, FollowUp]


def _content_changed(sender=None, **kwargs):
    content_changed()
    transaction.on_commit(content_changed)


# --- People ----------------------------------------------------------------------------


def _shown_publicly(person_id):
    """On a public page: listed publicly or a public figure (Person.objects.public()), or a speaker."""
    if person_id is None:
        return False
    return (
        Person.objects.filter(pk=person_id)
        .filter(Q(pk__in=Person.objects.public().values("pk")) | Q(speeches__isnull=False))
        .exists()
    )


def _person_before(sender, instance, **kwargs):
    instance._shown_publicly_before = _shown_publicly(instance.pk) if instance.pk else False


def _person_after(sender, instance, created, update_fields=None, **kwargs):
    # Whoever was shown before changes a public page; so does whoever may be shown now. The
    # flags stand in for the query (a superset of Person.objects.public()), keeping the
    # registration form's new, private people free of extra SQL.
    # A new person cannot be public through a registration yet (none is accepted): on
    # registration day, ticking "list me publicly" leaves the site cached.
    may_be_shown_now = instance.is_public_figure or (instance.listed_publicly and not created)
    if instance._shown_publicly_before or may_be_shown_now:
        _content_changed()
    # The delegation figures count people by side and category.
    if not created and (update_fields is None or {"side", "category"} & set(update_fields)):
        for edition_id in Registration.objects.accepted().filter(person=instance).values_list("edition_id", flat=True):
            _check_figures_after_commit(edition_id, instance.pk)


def _person_deleted(sender, instance, **kwargs):
    if instance._shown_publicly_before:
        _content_changed()


# --- Registrations ---------------------------------------------------------------------


def registration_fingerprint(edition_id):
    """What the edition's public page shows of its registrations; a change here, and only
    here, invalidates that page."""
    accepted = sorted(
        Registration.objects.accepted()
        .filter(edition_id=edition_id)
        .values_list("person__side", "person__category")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return accepted, Registration.objects.filter(edition_id=edition_id).waitlisted().order_by().count()


def _edition_slug(registration):
    # The services load the edition with the registration; otherwise it is read after the commit.
    return registration.edition.slug if Registration.edition.is_cached(registration) else None


def _figures_committed(edition_id, person_id, slug):
    figures = registration_fingerprint(edition_id)
    key = edition_fingerprint_key(edition_id)
    if cache.get(key) == figures:
        return
    cache.set(key, figures, timeout=None)
    _figures_changed(edition_id, person_id, slug)


def _figures_changed(edition_id, person_id, slug):
    slug = slug or Edition.objects.filter(pk=edition_id).values_list("slug", flat=True).first()
    if slug is not None:
        edition_registrations_changed(slug)
    # A public person's page lists the editions they take part in. Only public figures and
    # people who agreed to be listed can be public (a superset of Person.objects.public(),
    # and a much cheaper query on registration day, when nearly nobody is either). Asked
    # after the commit, not taken from the person read under the lock: their row is not
    # locked, and an editor making them public meanwhile must not be missed.
    if Person.objects.filter(Q(is_public_figure=True) | Q(listed_publicly=True), pk=person_id).exists():
        content_changed()


# A save that touches none of these cannot change who is accepted where, or as what.
FIGURE_FIELDS = frozenset({"status", "edition", "edition_id", "person", "person_id"})


def _figures_moved(edition_id, person_id, slug):
    # Someone joined or left the accepted delegates: the figures changed, no need to count.
    cache.delete(edition_fingerprint_key(edition_id))
    _figures_changed(edition_id, person_id, slug)


def _check_figures_after_commit(edition_id, person_id, slug=None):
    # Compared once the change commits, outside the transaction and its edition lock; a
    # page rendered from the old rows meanwhile is stored under the old version.
    transaction.on_commit(partial(_figures_committed, edition_id, person_id, slug))


# A consenting person becomes public, or stops being public, through a registration that is
# accepted and confirmed (Person.objects.public()); these saves may change that.
# The statuses the edition page counts.
SHOWN_STATUSES = frozenset({Registration.Status.ACCEPTED, Registration.Status.WAITLISTED})
# What a status change through the services saves.
TRANSITION_FIELDS = frozenset({"status", "status_changed_at", "confirmed_at"})
PUBLICITY_FIELDS = frozenset({"status", "confirmed_at", "person", "person_id"})


def _publicity_may_have_changed(registration, created, update_fields):
    if created or (update_fields is not None and not PUBLICITY_FIELDS & set(update_fields)):
        return
    # Only people who agreed to be listed can appear through a registration; the rest (nearly
    # everyone registering) cost this one indexed look-up, or none when the services loaded
    # the person with the registration (under the edition's lock).
    if Registration.person.is_cached(registration):
        person = registration.person
        listed = person.listed_publicly and person.anonymized_at is None
    else:
        listed = Person.objects.filter(
            pk=registration.person_id, listed_publicly=True, anonymized_at__isnull=True
        ).exists()
    if listed:
        _content_changed()


def _registration_saved(sender, instance, created, update_fields=None, **kwargs):
    # A new registration is unconfirmed (a delegate's) or already accepted (an organizer's
    # import); a check-in or a resent e-mail saves only its own fields.
    _publicity_may_have_changed(instance, created and instance.status != Registration.Status.ACCEPTED, update_fields)
    if created and instance.status != Registration.Status.ACCEPTED:
        return
    if update_fields is not None and not FIGURE_FIELDS & set(update_fields):
        return
    before = instance.__dict__.pop("status_before_save", None)
    if before is not None and update_fields is not None and set(update_fields) <= TRANSITION_FIELDS:
        # A status change through the services, which say what it was before: the figures
        # move when someone joins or leaves the accepted delegates or the waiting list.
        if {before, instance.status} & SHOWN_STATUSES and before != instance.status:
            transaction.on_commit(
                partial(_figures_moved, instance.edition_id, instance.person_id, _edition_slug(instance))
            )
        return
    _check_figures_after_commit(instance.edition_id, instance.person_id, _edition_slug(instance))


def _registration_deleted(sender, instance, **kwargs):
    if instance.status == Registration.Status.ACCEPTED:
        _check_figures_after_commit(instance.edition_id, instance.person_id, _edition_slug(instance))


def connect():
    for model in PUBLIC_RECORD:
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    # Not on the public pages, but on the registration form, which is stored like them.
    post_save.connect(_content_changed, sender=Question, dispatch_uid="page-cache-save-Question")
    post_delete.connect(_content_changed, sender=Question, dispatch_uid="page-cache-delete-Question")
    for through in (Speech.topics.through, Resolution.topics.through, Resolution.sponsors.through):
        m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through.__name__}")
    pre_save.connect(_person_before, sender=Person, dispatch_uid="page-cache-person-before-save")
    post_save.connect(_person_after, sender=Person, dispatch_uid="page-cache-person-save")
    pre_delete.connect(_person_before, sender=Person, dispatch_uid="page-cache-person-before-delete")
    post_delete.connect(_person_deleted, sender=Person, dispatch_uid="page-cache-person-delete")
    post_save.connect(_registration_saved, sender=Registration, dispatch_uid="page-cache-registration-save")
    post_delete.connect(_registration_deleted, sender=Registration, dispatch_uid="page-cache-registration-delete")
