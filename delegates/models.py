"""People across every edition, and their registrations for an edition."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.fast_urls import fast_reverse
from events.translation_status import TranslationTracked


class Side(models.TextChoices):
    JAPAN = "japan", _("Japan")
    TAIWAN = "taiwan", _("Taiwan")
    OTHER = "other", _("Other")


# One colour per side wherever sides are drawn: badges, the dashboard's charts.
SIDE_COLOURS = {Side.JAPAN: "#bc002d", Side.TAIWAN: "#1a3c8f", Side.OTHER: "#5f6573"}


class Category(models.TextChoices):
    NATIONAL_LEGISLATOR = "national_legislator", _("National legislator")
    LOCAL_COUNCILOR = "local_councilor", _("Local councilor")
    GOVERNMENT_OFFICIAL = "government_official", _("Government official")
    CIVIC_GROUP = "civic_group", _("Civic group")
    BUSINESS = "business", _("Business")
    ACADEMIC = "academic", _("Academic")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


def _vetted_registrations():
    """Registrations that make a consenting person public: the e-mail was confirmed and an
    organizer (or automatic acceptance after the confirmation) gave them a place."""
    return Registration.objects.filter(status=RegistrationStatus.ACCEPTED, confirmed_at__isnull=False)


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People the public may see: public figures an Editor named, and people who agreed to
        be listed *and* hold a confirmed, accepted registration. What a stranger types into
        the form stays private until then, whatever boxes they tick."""
        vetted = _vetted_registrations().filter(person=OuterRef("pk"))
        return (
            self.filter(anonymized_at__isnull=True, withdrawn_from_public_at__isnull=True)
            .filter(Q(is_public_figure=True) | Q(Exists(vetted), listed_publicly=True))
            # So `is_public` on these rows asks no further query.
            .annotate(known_public=Value(True, output_field=models.BooleanField()))
        )

    def listed_for(self, edition):
        """The edition's public participants list: exactly those who consented and were
        accepted (after confirming their address) for this edition, unless an organizer
        withdrew them."""
        vetted = _vetted_registrations().filter(person=OuterRef("pk"), edition=edition)
        return self.filter(
            Exists(vetted), anonymized_at__isnull=True, withdrawn_from_public_at__isnull=True, listed_publicly=True
        )


class Person(TranslationTracked):
    """One human being, the same record for every edition they attend.

    Contact data (email, phone) is private: no public page or feed shows it. Position and
    organization are kept in the language the delegate typed them in (`own_texts_language`);
    the other languages' columns hold organizers' translations, tracked against that text.
    """

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name_first = models.BooleanField(
        _("family name first"),
        default=False,
        help_text=_('Write the name as "Lee Yi-yang" rather than "Yi-yang Lee".'),
    )
    native_name = models.CharField(
        _("name in native script"),
        max_length=100,
        blank=True,
        help_text=_("For example 李逸洋 or 高市早苗."),
    )
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    own_texts_language = models.CharField(
        _("position and organization typed in"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language the delegate wrote their position and organization in; the other "
            "languages are translations. Empty: written by organizers, in English."
        ),
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.OTHER)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices, default=Category.OTHER)
    listed_publicly = models.BooleanField(
        _("agreed to be listed publicly"),
        default=False,
        help_text=_("Only people who opted in get a public page."),
    )
    is_public_figure = models.BooleanField(
        _("public figure"),
        default=False,
        help_text=_("Office holders named in the summit's public record; they are shown without opt-in."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for load tests; never a real person."),
    )
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True)
    # Held by the organizers, apart from the delegate's own consent, which the delegate may
    # change: while set, the person is shown nowhere, whatever the consent or the public-figure mark.
    withdrawn_from_public_at = models.DateTimeField(
        _("withdrawn from the public site at"),
        null=True,
        blank=True,
        help_text=_("Set and cleared by the people list's actions; the delegate cannot undo it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="person_unique_email_ci"),
        ]
        indexes = [
            models.Index(fields=["side", "category"], name="person_side_category_idx"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return fast_reverse("events:person_detail", slug=self.slug)

    @property
    def translation_source_language(self):
        return self.own_texts_language or "en"

    @property
    def full_name(self):
        parts = [self.family_name, self.given_name] if self.family_name_first else [self.given_name, self.family_name]
        return " ".join(part for part in parts if part)

    @property
    def is_public(self):
        """The same rule as PersonQuerySet.public(), for one person already loaded."""
        if self.anonymized_at is not None or self.withdrawn_from_public_at is not None:
            return False
        if self.is_public_figure or getattr(self, "known_public", False):
            return True
        return self.listed_publicly and _vetted_registrations().filter(person=self).exists()

    @property
    def public_details_locked(self):
        """What the public site shows of them was vetted: an Editor made them a public figure,
        or an organizer (or automatic acceptance) accepted a registration of theirs. From then
        on only organizers change it (delegates.services.PUBLIC_PERSON_FIELDS)."""
        if self.pk is None:
            return False
        return self.is_public_figure or self.registrations.filter(status=RegistrationStatus.ACCEPTED).exists()


class RegistrationQuerySet(models.QuerySet):
    def for_edition(self, edition):
        return self.filter(edition=edition)

    def with_focal_point_origin(self):
        """`added_by_focal_point`: a delegation's focal point made the registration (the first
        step of its history is theirs), so its address is one they typed."""
        first_step_by_focal_point = RegistrationStatusChange.objects.filter(
            registration=OuterRef("pk"), from_status="", actor=RegistrationStatusChange.Actor.FOCAL_POINT
        )
        return self.annotate(added_by_focal_point=Exists(first_step_by_focal_point))

    def accepted(self):
        return self.filter(status=Registration.Status.ACCEPTED)

    def waitlisted(self):
        """The waiting list, first in line first."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("status_changed_at", "pk")

    def waitlist_position(self, registration):
        """1 for the first in line; counts those who joined the waiting list earlier."""
        ahead = (
            self.filter(edition_id=registration.edition_id)
            .waitlisted()
            .filter(
                Q(status_changed_at__lt=registration.status_changed_at)
                | Q(status_changed_at=registration.status_changed_at, pk__lt=registration.pk)
            )
        )
        return ahead.count() + 1

    def holding_a_place(self):
        """Registrations that use up capacity."""
        return self.filter(status__in=Registration.PLACE_HOLDING_STATUSES)

    def _place_counts(self):
        return self.aggregate(
            taken=Count("pk", filter=Q(status__in=Registration.PLACE_HOLDING_STATUSES)),
            waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        )

    def availability(self, edition):
        """How full the edition is, in one query: what the public sees before registering."""
        return Availability(capacity=edition.capacity, **self.filter(edition=edition)._place_counts())

    def place_figures(self, edition_slug):
        """(places taken, people waiting) of the edition with this slug, in one query, without
        reading the edition: what a stored registration form page is keyed by."""
        counts = self.filter(edition__slug=edition_slug)._place_counts()
        return counts["taken"], counts["waiting"]


@dataclass(frozen=True)
class Availability:
    capacity: int | None
    taken: int
    waiting: int

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        """A new registration would join the waiting list: no place is free, or people already wait."""
        return self.capacity is not None and (self.taken >= self.capacity or self.waiting > 0)


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Awaiting e-mail confirmation")
    PENDING = "pending", _("Awaiting approval")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("On the waiting list")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class DelegationQuerySet(models.QuerySet):
    def with_quota_use(self):
        """Each delegation with `places_taken`: its registrations holding a place from its quota
        (accompanying people only when the edition counts them)."""
        counted = Q(edition__count_accompanying=True) | ~Q(registrations__participation__in=ACCOMPANYING)
        return self.annotate(
            places_taken=Count(
                "registrations", filter=Q(registrations__status__in=[RegistrationStatus.ACCEPTED]) & counted
            )
        )


class Delegation(models.Model):
    """An office or body that sends several people to an edition: a legislature's members, a
    council, a government, a civic group, the press. Its focal point registers the members;
    its quota caps the places they take."""

    class Kind(models.TextChoices):
        NATIONAL_LEGISLATURE = "national_legislature", _("National legislature")
        LOCAL_ASSEMBLY = "local_assembly", _("Local assembly")
        GOVERNMENT = "government", _("Government")
        CIVIC_GROUP = "civic_group", _("Civic group")
        PRESS = "press", _("Press")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(
        "events.Edition", on_delete=models.PROTECT, related_name="delegations", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=200)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    head_name = models.CharField(_("head of delegation"), max_length=200, blank=True)
    focal_point_name = models.CharField(_("focal point"), max_length=200, blank=True)
    focal_point_email = models.EmailField(
        _("focal point's e-mail"), blank=True, help_text=_("Who registers the delegation's members.")
    )
    quota = models.PositiveIntegerField(
        _("quota of places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    notes = models.TextField(_("notes"), blank=True)
    # The secret behind the focal point's private link; never shown, never the database id.
    access_key = models.UUIDField(_("access key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["edition", "side", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name_en"], name="delegation_unique_name_per_edition"),
        ]

    def __str__(self):
        return self.name


class Participation(models.TextChoices):
    """What a person comes as; accompanying people may take no place (Edition.count_accompanying)."""

    MEMBER = "member", _("Member")
    AIDE = "aide", _("Aide")
    INTERPRETER = "interpreter", _("Interpreter")
    PRESS = "press", _("Press")


ACCOMPANYING = [Participation.AIDE, Participation.INTERPRETER, Participation.PRESS]


class Registration(models.Model):
    """A person's registration for one edition.

    Status changes go through delegates.services, never through a direct save.
    """

    Status = RegistrationStatus

    class InterpretationLanguage(models.TextChoices):
        NONE = "", _("No interpretation needed")
        JAPANESE = "ja", _("Japanese")
        CHINESE = "zh", _("Mandarin Chinese")
        ENGLISH = "en", _("English")

    # Accepted registrations hold a place; pending ones do not until an organizer accepts.
    PLACE_HOLDING_STATUSES = [RegistrationStatus.ACCEPTED]

    edition = models.ForeignKey(
        "events.Edition",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("edition"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("e-mail at registration"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("delegation"),
    )
    participation = models.CharField(
        _("comes as"), max_length=12, choices=Participation.choices, default=Participation.MEMBER
    )
    by_invitation = models.BooleanField(
        _("by invitation"),
        default=False,
        help_text=_("Invited by the organizers: may take a place reserved for invitees."),
    )
    language = models.CharField(
        _("language for e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    interpretation_language = models.CharField(
        _("interpretation needed into"),
        max_length=2,
        choices=InterpretationLanguage.choices,
        blank=True,
    )
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    texts_language = models.CharField(
        _("needs and answers written in"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the page the delegate last wrote their needs and answers on."),
    )
    pending_person_details = models.JSONField(
        _("details awaiting e-mail confirmation"),
        default=dict,
        blank=True,
        help_text=_("A returning delegate's new details; applied to the person once the e-mail is confirmed."),
    )
    # The secret behind every signed link and badge code; never shown, never the database id.
    access_key = models.UUIDField(_("access key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    # The confirmation link's validity starts when the e-mail carrying it is sent; a resent
    # e-mail starts it again, and an unconfirmed registration expires only after the latest.
    confirmation_sent_at = models.DateTimeField(_("confirmation e-mail last sent at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-pk"]
        permissions = [("check_in", _("Can check in delegates"))]
        constraints = [
            # One registration in play per person and edition; cancelled ones stay beside it,
            # so a delegate who cancelled can register again and both histories are kept.
            models.UniqueConstraint(
                fields=["edition", "person"],
                condition=~Q(status="cancelled"),
                name="registration_one_per_person_per_edition",
            ),
            models.UniqueConstraint(
                fields=["edition", "email"],
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="registration_one_per_email_per_edition",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="accepted"),
                name="registration_only_accepted_check_in",
            ),
        ]
        indexes = [
            models.Index(
                fields=["edition", "status", "status_changed_at"],
                name="reg_edition_status_idx",
            ),
            models.Index(
                fields=["edition", "created_at"],
                name="reg_edition_created_idx",
            ),
            # The admin list: its default order, and its confirmed / checked-in / status filters.
            models.Index(fields=["created_at"], name="reg_created_idx"),
            models.Index(fields=["status", "created_at"], name="reg_status_created_idx"),
            models.Index(fields=["edition", "confirmed_at"], name="reg_edition_confirmed_idx"),
            models.Index(fields=["edition", "checked_in_at"], name="reg_edition_checked_in_idx"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.edition}"

    @property
    def is_active(self):
        """Still in play: neither cancelled nor rejected."""
        return self.status not in (self.Status.CANCELLED, self.Status.REJECTED)

    def answer_pairs(self):
        """(question, answer as shown) for the edition's extra questions, in the form's order."""
        return [
            (question.label, question.display_answer(self.answers.get(question.answer_key, "")))
            for question in self.edition.questions.all()
            if question.asked_on == Question.Form.REGISTRATION
        ]


class Question(models.Model):
    """An extra question organizers ask on one edition's registration form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        YES_NO = "yes_no", _("Yes or no")

    class Form(models.TextChoices):
        REGISTRATION = "registration", _("the registration form")
        FOLLOW_UP = "follow_up", _("the travel details form, after acceptance")

    edition = models.ForeignKey(
        "events.Edition",
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("edition"),
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For a choice question: one choice per line, in the same order in every language."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    asked_on = models.CharField(_("asked on"), max_length=12, choices=Form.choices, default=Form.REGISTRATION)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["edition", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["text", "choice", "yes_no"]), name="question_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="choice") | (Q(choices_en__isnull=False) & ~Q(choices_en="")),
                name="question_choice_has_choices",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def answer_key(self):
        """Answers are stored under a stable key, so renaming a question keeps them."""
        return f"q{self.pk}"

    def choice_pairs(self):
        """(stored value, shown label): the English line is stored, the active language's line is shown."""
        stored = [line.strip() for line in (self.choices_en or "").splitlines() if line.strip()]
        shown = [line.strip() for line in (self.choices or "").splitlines() if line.strip()]
        if len(shown) != len(stored):
            shown = stored
        return list(zip(stored, shown, strict=True))

    def display_answer(self, value):
        """A stored answer in the active language."""
        if self.kind == self.Kind.YES_NO:
            return {"yes": _("Yes"), "no": _("No")}.get(value, value)
        if self.kind == self.Kind.CHOICE:
            return dict(self.choice_pairs()).get(value, value)
        return value

    def clean(self):
        if self.kind == self.Kind.CHOICE and not (self.choices_en or "").strip():
            raise ValidationError({"choices_en": _("A choice question needs at least one choice.")})


class RegistrationStatusChange(models.Model):
    """One step in a registration's history: who moved it from which status to which."""

    class Actor(models.TextChoices):
        DELEGATE = "delegate", _("Delegate")
        # A delegation's office, through its private link: it registers and cancels members.
        FOCAL_POINT = "focal_point", _("Focal point")
        ORGANIZER = "organizer", _("Organizer")
        SYSTEM = "system", _("System")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("registration"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Registration.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Registration.Status.choices)
    actor = models.CharField(_("actor"), max_length=12, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organizer"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["registration", "changed_at", "pk"]

    def __str__(self):
        # Labels in the reader's language, never the stored codes.
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class InvitationQuerySet(models.QuerySet):
    def awaiting_answer(self):
        """Sent or opened, neither answered nor expired: who a reminder is for."""
        return self.filter(status__in=[Invitation.Status.SENT, Invitation.Status.OPENED])


class Invitation(models.Model):
    """The organizers invite one person, by e-mail address, to one edition (into a
    delegation, or not). The signed link in the e-mail opens the registration form
    pre-filled; a registration through it may take a place reserved for invitees."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    edition = models.ForeignKey(
        "events.Edition", on_delete=models.PROTECT, related_name="invitations", verbose_name=_("edition")
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("delegation"),
    )
    # Stored in lower case: one invitation per address and edition, whatever its spelling.
    # Blank once erased (delegates.erasure).
    email = models.EmailField(_("e-mail"), blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    language = models.CharField(_("language for e-mails"), max_length=8, choices=settings.LANGUAGES, default="en")
    participation = models.CharField(
        _("comes as"), max_length=12, choices=Participation.choices, default=Participation.MEMBER
    )
    skips_approval = models.BooleanField(
        _("no approval needed"),
        default=False,
        help_text=_("The invitee's registration takes a place at once (or the waiting list), without approval."),
    )
    # The rest of what the organizers know (position, organization, side…), to pre-fill the form.
    prefill = models.JSONField(_("pre-filled details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("registration"),
    )
    # The secret behind the signed link; never shown, never the database id.
    access_key = models.UUIDField(_("access key"), default=uuid.uuid4, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "email"], condition=~Q(email=""), name="invitation_one_per_email_per_edition"
            ),
        ]
        indexes = [models.Index(fields=["status", "sent_at"], name="invitation_status_sent_idx")]

    def __str__(self):
        # Never the name or the address: this lands in the admin's history, kept after erasure.
        return _("Invitation %(number)s") % {"number": self.pk}

    @property
    def full_name(self):
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def name_for(self, language: str) -> str:
        """Japanese and Chinese readers see the name in native script when the organizers gave one."""
        native = self.prefill.get("native_name", "")
        if language == "en":
            return self.full_name
        # Japanese and Chinese put the family name first, in Latin letters too.
        return native or " ".join(part for part in (self.family_name, self.given_name) if part)

    @property
    def is_used(self):
        """Registered through, and that registration still in play (a cancelled one frees it)."""
        if self.status != self.Status.REGISTERED:
            return False
        return self.registration is not None and self.registration.status != RegistrationStatus.CANCELLED

    @property
    def is_answered(self):
        return self.status in (self.Status.REGISTERED, self.Status.DECLINED)


class InvitationEvent(models.Model):
    """One step in an invitation's history: sent, reminded, opened, answered, expired."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Sent")
        RESENT = "resent", _("Sent again")
        REMINDED = "reminded", _("Reminder sent")
        OPENED = "opened", _("Opened")
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="events", verbose_name=_("invitation")
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organizer"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation history entry")
        verbose_name_plural = _("invitation history")
        ordering = ["invitation", "at", "pk"]

    def __str__(self):
        return self.get_kind_display()


class DelegateMessage(models.Model):
    """An e-mail an organizer wrote to a chosen set of registrations: an English version,
    which every delegate gets whose language has none, and optional Japanese and Chinese ones."""

    subject = models.CharField(_("subject (English)"), max_length=200)
    body = models.TextField(_("message (English)"))
    subject_ja = models.CharField(_("subject (Japanese)"), max_length=200, blank=True)
    body_ja = models.TextField(_("message (Japanese)"), blank=True)
    subject_zh_hant = models.CharField(_("subject (Traditional Chinese)"), max_length=200, blank=True)
    body_zh_hant = models.TextField(_("message (Traditional Chinese)"), blank=True)
    recipients_filter = models.CharField(
        _("recipients"),
        max_length=500,
        blank=True,
        help_text=_("The registration list's filters when the message was sent."),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to delegates")
        verbose_name_plural = _("messages to delegates")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        # Never the raw "{edition}": the subject as a reader of the active language got it
        # (the admin's breadcrumbs and headings, the audit log).
        from .emails import subject_as_sent

        return subject_as_sent(self, edition=None, language=get_language() or "en")

    def version(self, language: str) -> tuple[str, str, str]:
        """(language, subject, body) a reader of `language` gets: their own version when both
        its subject and body were written, otherwise the English one."""
        suffix = language.replace("-", "_")
        subject, body = getattr(self, f"subject_{suffix}", ""), getattr(self, f"body_{suffix}", "")
        if language != "en" and subject and body:
            return language, subject, body
        return "en", self.subject, self.body

    def written_languages(self) -> list[str]:
        """The languages this message has a version in: English, then those written besides."""
        return [code for code, _name in settings.LANGUAGES if self.version(code)[0] == code]

    def clean(self):
        for suffix in ("ja", "zh_hant"):
            subject, body = getattr(self, f"subject_{suffix}"), getattr(self, f"body_{suffix}")
            if bool(subject) != bool(body):
                field = f"body_{suffix}" if subject else f"subject_{suffix}"
                raise ValidationError(
                    {field: _("Write both the subject and the message of this language, or neither.")}
                )


class MessageDelivery(models.Model):
    """One delegate's copy of a message: queued, then sent (or skipped, or failed)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped (no e-mail address)")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(
        DelegateMessage, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="message_deliveries", verbose_name=_("registration")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    language = models.CharField(
        _("version sent"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the version this delegate received (English when theirs was not written)."),
    )

    class Meta:
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        ordering = ["message", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "registration"], name="delivery_one_per_registration"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "skipped", "failed"]), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(status="sent"), name="delivery_sent_at_only_when_sent"
            ),
        ]

    def __str__(self):
        return f"{self.message} → {self.registration}"


from .models_logistics import BadgeSheet, EditionLogistics, Hotel, InvitationLetter, TravelPlan  # noqa: E402, F401
