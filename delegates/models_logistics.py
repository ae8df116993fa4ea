"""After acceptance: each edition's logistics settings and hotels, a delegate's travel plan
(the follow-up form), invitation letters and badge sheets being printed.

Imported at the end of delegates.models, so these are models of the delegates app.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EditionLogistics(models.Model):
    """What organizers set per edition for the time after acceptance."""

    edition = models.OneToOneField(
        "events.Edition", on_delete=models.CASCADE, related_name="logistics", verbose_name=_("edition")
    )
    follow_up_deadline = models.DateTimeField(
        _("travel details can be changed until"),
        null=True,
        blank=True,
        help_text=_("After this moment delegates see their travel details read-only. Empty: no deadline."),
    )
    letter_issuer = models.CharField(
        _("letter issued by"), max_length=200, blank=True, help_text=_("The organizing body, as on letterhead.")
    )
    letter_body = models.TextField(
        _("letter wording"),
        blank=True,
        help_text=_(
            "The paragraphs of the invitation letter, between the greeting and the signature. "
            "The edition's facts and the delegate's name, position and organization are added by the site."
        ),
    )
    letter_signatory = models.CharField(
        _("signed by"), max_length=200, blank=True, help_text=_("Name and title of the person who signs.")
    )

    class Meta:
        verbose_name = _("edition logistics")
        verbose_name_plural = _("edition logistics")

    def __str__(self):
        return str(self.edition)

    def follow_up_open(self, now=None):
        return self.follow_up_deadline is None or (now or timezone.now()) < self.follow_up_deadline


class Hotel(models.Model):
    """A hotel the organizers offer for one edition (kept with the edition's logistics)."""

    logistics = models.ForeignKey(
        EditionLogistics, on_delete=models.CASCADE, related_name="hotels", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")
        ordering = ["logistics", "order", "pk"]

    def __str__(self):
        return self.name


class TravelPlan(models.Model):
    """A delegate's answers to the follow-up form: arrival, departure, hotel, social events."""

    class Accommodation(models.TextChoices):
        HOTEL = "hotel", _("A hotel from the organizers' list")
        OWN = "own", _("I am arranging my own")

    registration = models.OneToOneField(
        "delegates.Registration", on_delete=models.CASCADE, related_name="travel_plan", verbose_name=_("registration")
    )
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_time = models.TimeField(_("arrival time"), null=True, blank=True)
    arrival_carrier = models.CharField(_("arrival flight or train number"), max_length=40, blank=True)
    arrival_place = models.CharField(_("arriving at (airport or station)"), max_length=120, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    departure_time = models.TimeField(_("departure time"), null=True, blank=True)
    departure_carrier = models.CharField(_("departure flight or train number"), max_length=40, blank=True)
    departure_place = models.CharField(_("leaving from (airport or station)"), max_length=120, blank=True)
    accommodation = models.CharField(_("accommodation"), max_length=8, choices=Accommodation.choices)
    hotel = models.ForeignKey(
        Hotel, on_delete=models.PROTECT, null=True, blank=True, related_name="guests", verbose_name=_("hotel")
    )
    check_in = models.DateField(_("check-in night"), null=True, blank=True)
    check_out = models.DateField(_("check-out day"), null=True, blank=True)
    needs_shuttle = models.BooleanField(_("shuttle needed"), default=False)
    social_events = models.ManyToManyField(
        "events.Session", blank=True, related_name="travel_plans", verbose_name=_("social events attended")
    )
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by_organizer = models.BooleanField(_("last changed by an organizer"), default=False)

    class Meta:
        verbose_name = _("travel details")
        verbose_name_plural = _("travel details")
        ordering = ["registration"]
        constraints = [
            models.CheckConstraint(condition=Q(accommodation__in=["hotel", "own"]), name="travel_accommodation_valid"),
            models.CheckConstraint(
                condition=(Q(accommodation="hotel") & Q(hotel__isnull=False) & Q(check_in__isnull=False))
                & Q(check_out__isnull=False)
                | (
                    Q(accommodation="own")
                    & Q(hotel__isnull=True)
                    & Q(check_in__isnull=True)
                    & Q(check_out__isnull=True)
                ),
                name="travel_hotel_only_with_nights",
            ),
            models.CheckConstraint(
                condition=Q(check_in__isnull=True) | Q(check_out__isnull=True) | Q(check_out__gt=F("check_in")),
                name="travel_check_out_after_check_in",
            ),
            models.CheckConstraint(
                condition=Q(arrival_date__isnull=True)
                | Q(departure_date__isnull=True)
                | Q(departure_date__gte=F("arrival_date")),
                name="travel_departs_after_arrival",
            ),
        ]

    def __str__(self):
        return str(self.registration)

    @property
    def nights(self):
        if self.check_in and self.check_out:
            return (self.check_out - self.check_in).days
        return 0


class InvitationLetter(models.Model):
    """An official letter issued to an accepted delegate; its QR code verifies it on the site."""

    registration = models.ForeignKey(
        "delegates.Registration", on_delete=models.CASCADE, related_name="letters", verbose_name=_("registration")
    )
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    # What the verification link carries: random, never the database id.
    key = models.UUIDField(_("verification key"), default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation letter")
        verbose_name_plural = _("invitation letters")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.number

    @property
    def is_valid(self):
        registration = self.registration
        return (
            self.revoked_at is None
            and registration.status == registration.Status.ACCEPTED
            and registration.person.anonymized_at is None
        )


class BadgeSheet(models.Model):
    """A PDF of many badges, built in the task queue; the file lives in private storage."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being printed")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    edition = models.ForeignKey(
        "events.Edition", on_delete=models.CASCADE, related_name="+", null=True, blank=True, verbose_name=_("edition")
    )
    description = models.CharField(_("list"), max_length=500, blank=True)
    registration_ids = models.JSONField(_("registrations"), default=list, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("badges"), default=0)
    done = models.PositiveIntegerField(_("badges drawn"), default=0)
    file_name = models.CharField(_("file"), max_length=200, blank=True, editable=False)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge sheet")
        verbose_name_plural = _("badge sheets")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="badge_sheet_status_valid"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="badge_sheet_done_within_total"),
        ]

    def __str__(self):
        return self.description or str(self.edition or "")

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 100
