"""The summit series as its organizers see it: editions, programme, speeches,
resolutions and the topics that connect them across years."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .fast_urls import fast_reverse
from .translation_status import TranslationTracked


def ordinal_label(number):
    """ "11th" in English, "第11回" in Japanese, "第11屆" in Chinese (see locale/)."""
    if number % 100 in (11, 12, 13) or number % 10 not in (1, 2, 3):
        return pgettext("ordinal", "%(number)dth") % {"number": number}
    if number % 10 == 1:
        return pgettext("ordinal", "%(number)dst") % {"number": number}
    if number % 10 == 2:
        return pgettext("ordinal", "%(number)dnd") % {"number": number}
    return pgettext("ordinal", "%(number)drd") % {"number": number}


class Series(TranslationTracked):
    """A recurring summit, such as the Japan–Taiwan Exchange Summit."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    founded_year = models.PositiveSmallIntegerField(_("first held in"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("summit series")
        verbose_name_plural = _("summit series")
        ordering = ["name"]

    def __str__(self):
        return self.name


def archive_gaps(ordinals) -> list[tuple[str, str]]:
    """The editions before the newest one that the archive does not hold yet, as runs of
    ordinal labels: [("1st", "9th")] when it holds the 10th onwards."""
    held = set(ordinals)
    gaps, start = [], None
    for number in range(1, max(held, default=0) + 1):
        if number not in held and start is None:
            start = number
        if number in held and start is not None:
            gaps.append((ordinal_label(start), ordinal_label(number - 1)))
            start = None
    return gaps


class EditionQuerySet(models.QuerySet):
    def public(self):
        """Every edition the public may read about, newest first."""
        return self.order_by("-ordinal")

    def past(self):
        return self.filter(status=Edition.Status.HELD)

    def upcoming(self):
        return self.filter(
            status__in=[
                Edition.Status.PLANNED,
                Edition.Status.REGISTRATION_OPEN,
                Edition.Status.REGISTRATION_CLOSED,
            ]
        )

    def with_headline_figures(self):
        """Adds `speech_count` and `resolution_count` with one subquery each, not one query per edition."""
        return self.annotate(
            speech_count=_count_of(Speech, "edition"),
            resolution_count=_count_of(Resolution, "edition"),
        )

    def taken_part_in_by(self, person):
        """Editions where the person was an accepted delegate or gave a speech, newest first."""
        return self.filter(
            Q(pk__in=person.registrations.accepted().values("edition")) | Q(pk__in=person.speeches.values("edition"))
        ).order_by("-ordinal")

    def next_upcoming(self):
        """The edition the public should see first: the earliest one not yet held."""
        return self.upcoming().order_by("ordinal").first()

    def accepting_registrations(self, now=None):
        """The editions whose `registration_state()` is "open", as one query (a test checks they agree)."""
        now = now or timezone.now()
        return self.filter(status=Edition.Status.REGISTRATION_OPEN).filter(
            Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
            Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
        )


def _count_of(model, field):
    """A correlated COUNT subquery over `model` rows whose `field` points at the outer row."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(count=Func(F("pk"), function="COUNT")).values("count")), 0)


class EditionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Edition(TranslationTracked):
    """One summit of the series, held in a host city in a given year."""

    Status = EditionStatus

    class Country(models.TextChoices):
        JAPAN = "JP", _("Japan")
        TAIWAN = "TW", _("Taiwan")
        OTHER = "XX", _("Other")

    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        related_name="editions",
        verbose_name=_("series"),
    )
    ordinal = models.PositiveSmallIntegerField(_("ordinal"), help_text=_("11 for the 11th summit."))
    year = models.PositiveSmallIntegerField(_("year"))
    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    host_city = models.CharField(_("host city"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(_("region"), max_length=120, blank=True)
    venue = models.CharField(
        _("venue"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty while not announced."),
    )
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while not announced."),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PLANNED)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    reported_attendance = models.PositiveIntegerField(
        _("reported attendance"),
        null=True,
        blank=True,
        help_text=_("The number of participants as reported."),
    )
    attendance_is_minimum = models.BooleanField(
        _("attendance is a lower bound"),
        default=False,
        help_text=_('Tick when the report says "more than" the number.'),
    )
    capacity = models.PositiveIntegerField(
        _("registration capacity"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    # Places held per side and for invitees, decided under the same lock as the capacity
    # (delegates.services); each delegation has its own quota too (delegates.Delegation).
    quota_japan = models.PositiveIntegerField(
        _("places for the Japanese side"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    quota_taiwan = models.PositiveIntegerField(
        _("places for the Taiwanese side"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    quota_other = models.PositiveIntegerField(
        _("places for others"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    places_reserved_for_invitations = models.PositiveIntegerField(
        _("places reserved for invitees"),
        default=0,
        help_text=_("Of the capacity, places only registrations by invitation may take."),
    )
    count_accompanying = models.BooleanField(
        _("aides, interpreters and press count against the capacity"),
        default=True,
        help_text=_("When off, accompanying people take no place from the capacity or the quotas."),
    )

    class RegistrationMode(models.TextChoices):
        OPEN = "open", _("Open registration")
        INVITATION_ONLY = "invitation", _("By invitation only")
        BOTH = "both", _("Open registration and invitations")

    registration_mode = models.CharField(
        _("who may register"),
        max_length=12,
        choices=RegistrationMode.choices,
        default=RegistrationMode.OPEN,
        help_text=_(
            "By invitation only: the public form says so and takes no registration; invitees and "
            "delegations' focal points register through their own links."
        ),
    )
    invitation_reminder_days = models.PositiveSmallIntegerField(
        _("remind unanswered invitees after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Days after the invitation (or the last reminder) with no answer. Leave empty for no reminders."),
    )
    invitation_reminders_max = models.PositiveSmallIntegerField(
        _("reminders at most"), default=2, help_text=_("How many reminders an unanswered invitee gets at most.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=True,
        help_text=_("When off, confirmed registrations are accepted automatically while places remain."),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep delegates' personal data for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after the edition is held before delegates' personal data is erased. "
            "Leave empty for the site's default."
        ),
    )
    personal_data_purged_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["series", "ordinal"], name="edition_unique_ordinal_per_series"),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="edition_ordinal_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="edition_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="edition_registration_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values),
                name="edition_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.ordinal}. {self.host_city} {self.year}"

    def get_absolute_url(self):
        return fast_reverse("events:edition_detail", slug=self.slug)

    @property
    def ordinal_label(self):
        return ordinal_label(self.ordinal)

    @property
    def held_on(self):
        """The last day of the edition: its end date, else its start date, else the end of its year."""
        return self.end_date or self.start_date or datetime.date(self.year, 12, 31)

    @property
    def personal_data_kept_until(self):
        """After this day (once held or cancelled), delegates' personal data is erased."""
        days = self.personal_data_retention_days
        if days is None:
            days = settings.PERSONAL_DATA_RETENTION_DAYS
        return self.held_on + datetime.timedelta(days=days)

    @property
    def dates_announced(self):
        return self.start_date is not None

    @property
    def previous(self):
        return Edition.objects.filter(series_id=self.series_id, ordinal__lt=self.ordinal).order_by("-ordinal").first()

    @property
    def next(self):
        return Edition.objects.filter(series_id=self.series_id, ordinal__gt=self.ordinal).order_by("ordinal").first()

    def delegation_counts(self):
        """Accepted delegates counted by side and category: figures only, never names."""
        return (
            self.registrations.accepted()
            .values("person__side", "person__category")
            .annotate(count=Count("pk"))
            .order_by("person__side", "person__category")
        )

    def clean(self):
        if self.start_date and self.start_date.year != self.year:
            raise ValidationError({"start_date": _("The start date must fall in the edition's year.")})

    def registration_state(self, now=None):
        """ "open", or why not: "cancelled", "held", "not_yet" (opens at a known time),
        "not_yet_announced" or "closed". The one place that decides whether registration is
        open; `EditionQuerySet.accepting_registrations` is the same rule written as SQL."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.status == self.Status.HELD:
            return "held"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.status == self.Status.PLANNED:
            return "not_yet_announced"
        if self.status != self.Status.REGISTRATION_OPEN:
            return "closed"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"

    def side_quota(self, side: str) -> int | None:
        return getattr(self, f"quota_{side}", None)

    @property
    def is_past(self):
        """Held or cancelled: what the record lacks was not recorded, rather than to be announced."""
        return self.status in (EditionStatus.HELD, EditionStatus.CANCELLED)

    def is_registration_open(self, now=None):
        return self.registration_state(now) == "open"

    @property
    def is_by_invitation_only(self):
        return self.registration_mode == self.RegistrationMode.INVITATION_ONLY


class Session(TranslationTracked):
    """A block of an edition's programme: opening, plenary, panel, ceremony, reception."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PLENARY = "plenary", _("Plenary")
        PANEL = "panel", _("Panel")
        CEREMONY = "ceremony", _("Ceremony")
        RECEPTION = "reception", _("Reception")
        BANQUET = "banquet", _("Banquet")
        EXCURSION = "excursion", _("Excursion")
        CLOSING = "closing", _("Closing")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("edition"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PLENARY)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("programme session")
        verbose_name_plural = _("programme sessions")
        ordering = ["edition", "order", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title

    # The kinds delegates sign up for on the travel details form.
    SOCIAL_KINDS = (Kind.BANQUET, Kind.RECEPTION, Kind.EXCURSION)


class TopicQuerySet(models.QuerySet):
    def with_counts(self):
        """Adds `speech_count` and `resolution_count` across every edition."""
        return self.annotate(
            speech_count=_count_of(Speech.topics.through, "topic"),
            resolution_count=_count_of(Resolution.topics.through, "topic"),
        )

    def for_edition(self, edition):
        """Topics of the edition's speeches or resolutions, each once."""
        speech_topics = Speech.topics.through.objects.filter(speech__edition=edition).values("topic")
        resolution_topics = Resolution.topics.through.objects.filter(resolution__edition=edition).values("topic")
        return self.filter(Q(pk__in=speech_topics) | Q(pk__in=resolution_topics))


class Topic(TranslationTracked):
    """A subject that runs through editions, such as the democratic supply chain."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    description = models.TextField(_("description"), blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return fast_reverse("events:topic_detail", slug=self.slug)


class SpeechQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("edition", "session", "speaker").prefetch_related("topics")

    def newest_first(self):
        return self.order_by("-edition__ordinal", "order", "pk")


class Speech(TranslationTracked):
    """An address at an edition, given in person or sent as a message."""

    class DeliveryMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO_MESSAGE = "video_message", _("Prerecorded video message")
        WRITTEN_MESSAGE = "written_message", _("Written message")
        NOT_REPORTED = "not_reported", _("Not reported")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        JAPANESE = "ja", _("Japanese")
        MANDARIN = "zh", _("Mandarin Chinese")
        OTHER = "other", _("Other")
        NOT_REPORTED = "", _("Not reported")

    edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        related_name="speeches",
        verbose_name=_("edition"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speeches",
        verbose_name=_("session"),
    )
    speaker = models.ForeignKey(
        "delegates.Person",
        on_delete=models.PROTECT,
        related_name="speeches",
        verbose_name=_("speaker"),
    )
    speaker_role = models.CharField(
        _("speaker's role at the time"),
        max_length=200,
        blank=True,
        help_text=_("How the speaker was introduced, if it differs from their current position."),
    )
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    delivery_mode = models.CharField(
        _("delivery mode"),
        max_length=20,
        choices=DeliveryMode.choices,
        default=DeliveryMode.IN_PERSON,
    )
    video_url = models.URLField(_("video link"), blank=True)
    language = models.CharField(_("language spoken"), max_length=8, choices=Language.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    topics = models.ManyToManyField(Topic, blank=True, related_name="speeches", verbose_name=_("topics"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SpeechQuerySet.as_manager()

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="speech_unique_slug_per_edition"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return fast_reverse("events:speech_detail", edition_slug=self.edition.slug, slug=self.slug)


class ResolutionQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("edition").prefetch_related("topics", "sponsors")

    def with_public_sponsors(self):
        """Prefetches only the sponsors the public may see, as `public_sponsors`."""
        from delegates.models import Person

        return self.prefetch_related(Prefetch("sponsors", queryset=Person.objects.public(), to_attr="public_sponsors"))

    def newest_first(self):
        return self.order_by("-edition__ordinal", "number")


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Resolution(TranslationTracked):
    """A resolution or joint statement put before an edition, numbered within it."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution")
        JOINT_STATEMENT = "joint_statement", _("Joint statement")

    Status = ResolutionStatus

    edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        related_name="resolutions",
        verbose_name=_("edition"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RESOLUTION)
    title = models.CharField(_("title"), max_length=250)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    status_changed_on = models.DateField(
        _("status changed on"),
        null=True,
        blank=True,
        help_text=_("Leave empty while not reported."),
    )
    sponsors = models.ManyToManyField(
        "delegates.Person",
        blank=True,
        related_name="sponsored_resolutions",
        verbose_name=_("sponsors"),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="resolutions", verbose_name=_("topics"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"],
                name="resolution_unique_number_per_edition",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="resolution_number_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ResolutionStatus.values),
                name="resolution_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="resolution_status_idx")]

    def __str__(self):
        return f"{self.edition.ordinal}/{self.number} {self.title}"

    def get_absolute_url(self):
        return fast_reverse("events:resolution_detail", edition_slug=self.edition.slug, number=self.number)


class FollowUp(TranslationTracked):
    """What a later edition reported on an earlier resolution."""

    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("resolution"),
    )
    edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("reported at"),
        help_text=_("The later edition at which progress is (or will be) reported."),
    )
    report = models.TextField(_("report"), blank=True, help_text=_("Leave empty until the report is made."))
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["resolution", "edition__ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "edition"], name="followup_one_per_edition"),
        ]

    def __str__(self):
        return f"{self.resolution} → {self.edition}"

    def clean(self):
        if self.resolution_id and self.edition_id:
            if self.edition.ordinal <= self.resolution.edition.ordinal:
                raise ValidationError({"edition": _("A follow-up must be reported at a later edition.")})
