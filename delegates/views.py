"""Registration, self-service, badges and check-in: each view validates with a form,
writes through delegates.services and renders a template."""

import secrets
import time
from email.utils import parseaddr
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from events.models import Edition
from events.page_cache import blank_form_page, shareable_form_page
from events.scripts import in_reader_script

from . import imports, services, tokens
from .audit import acting_as
from .badges import badge_pdf
from .emails import edition_title
from .forms import (
    CheckInForm,
    DelegationMemberForm,
    DelegationTableForm,
    InvitationRegistrationForm,
    LookupForm,
    RegistrationForm,
    SelfServiceForm,
)
from .models import Delegation, Participation, Question, Registration, RegistrationStatusChange
from .ratelimit import limit_exceeded, rate_limit, rate_limited_page

Actor = RegistrationStatusChange.Actor


# One edition's questions in their order: the model's ordering would join the edition again.
_QUESTIONS = Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))


def _edition(slug):
    return get_object_or_404(Edition.objects.select_related("series").prefetch_related(_QUESTIONS), slug=slug)


def _closed(request, edition):
    """Why registration is not open, and when it opens or closed, if known."""
    return render(request, "delegates/closed.html", {"edition": edition, "reason": edition.registration_state()})


def _from_link(read_token, read_token_to_act=None):
    """Views behind a signed link get what it opens (a registration, an invitation); a forged
    or expired link gets a clear page, offering a new link only for a registration.
    `read_token_to_act`, if given, reads it for a POST that needs less than the page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, token):
            reader = read_token_to_act if read_token_to_act and request.method == "POST" else read_token
            try:
                registration = reader(token)
            except tokens.InvalidToken as error:
                expired = getattr(error, "registration", None)
                context = {"error": error, "edition": expired.edition if expired else None}
                return render(request, "delegates/link_invalid.html", context, status=400)
            return view(request, registration, token)

        return never_cache(wrapped)

    return decorator


@never_cache
@rate_limit("register")
@blank_form_page(lambda edition_slug: Registration.objects.place_figures(edition_slug))
def register(request, edition_slug):
    edition = _edition(edition_slug)
    if not edition.is_registration_open():
        return _closed(request, edition)
    if edition.is_by_invitation_only:
        return render(request, "delegates/by_invitation.html", {"edition": edition})
    form = RegistrationForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_create(
                edition=edition, data=form.registration_data(), language=get_language(), actor=Actor.DELEGATE
            )
        except services.DuplicateRegistration:
            # Answered exactly as a new registration: the owner gets their link by e-mail, and
            # whoever typed the address learns nothing about who is registered.
            pass
        except services.RegistrationClosed:
            return _closed(request, edition)
        return redirect("delegates:registered", edition_slug=edition.slug)
    context = {"edition": edition, "form": form, "availability": Registration.objects.availability(edition)}
    response = TemplateResponse(request, "delegates/register.html", context)
    if not form.is_bound:
        # Registration day's most asked page: the same for everyone until the window closes.
        shareable_form_page(response, until=edition.registration_closes_at)
    return response


def registered(request, edition_slug):
    return render(request, "delegates/registered.html", {"edition": _edition(edition_slug)})


@never_cache
@rate_limit("lookup")
def lookup(request, edition_slug):
    """Send the self-service link again; says the same whether or not the address is registered."""
    edition = _edition(edition_slug)
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration = (
            Registration.objects.for_edition(edition).filter(email__iexact=form.cleaned_data["email"]).first()
        )
        if registration is not None:
            services.registration_send_manage_link(registration=registration)
        return render(request, "delegates/lookup_sent.html", {"edition": edition})
    return render(request, "delegates/lookup.html", {"edition": edition, "form": form})


@_from_link(tokens.registration_from_confirm_token, tokens.registration_to_confirm)
def confirm(request, registration, token):
    # The link only shows a button: mail scanners that open links must not confirm for the delegate.
    if request.method == "POST":
        services.registration_confirm(registration=registration)
        return redirect("delegates:manage", token=tokens.manage_token(registration))
    if registration.status != Registration.Status.UNCONFIRMED:
        return redirect("delegates:manage", token=tokens.manage_token(registration))
    return render(request, "delegates/confirm.html", {"registration": registration, "edition": registration.edition})


@_from_link(tokens.registration_from_manage_token)
def manage(request, registration, token):
    edition = Edition.objects.prefetch_related("questions").select_related("series").get(pk=registration.edition_id)
    form = None
    if registration.is_active:
        # Position and organization are edited in the language the delegate typed them in.
        initial = SelfServiceForm.initial_for(registration, get_language())
        locked = services.person_locked_fields(registration.person)
        form = SelfServiceForm(request.POST or None, initial=initial, edition=edition, locked=locked)
        if request.method == "POST" and form.is_valid():
            try:
                services.registration_update_details(
                    registration=registration, data=form.registration_data(), language=get_language()
                )
            except services.RegistrationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your details have been saved."))
            return redirect("delegates:manage", token=token)
    context = {
        "registration": registration,
        "edition": edition,
        "person": registration.person,
        "form": form,
        "locked_details": form.locked_details(registration.person) if form else [],
        "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "token": token,
        "may_cancel": services.Status.CANCELLED in services.allowed_transitions(registration),
        "confirm_token": tokens.confirm_token(registration),
        "waitlist_position": (
            Registration.objects.waitlist_position(registration)
            if registration.status == Registration.Status.WAITLISTED
            else None
        ),
    }
    return render(request, "delegates/manage.html", context)


@_from_link(tokens.registration_from_manage_token)
def cancel(request, registration, token):
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, actor=Actor.DELEGATE)
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect("delegates:manage", token=token)
    if not registration.is_active or registration.checked_in_at is not None:
        return redirect("delegates:manage", token=token)
    context = {
        "registration": registration,
        "edition": registration.edition,
        "edition_title": edition_title(registration.edition),
        "token": token,
    }
    return render(request, "delegates/cancel.html", context)


@_from_link(tokens.registration_from_manage_token)
def badge(request, registration, token):
    if registration.status != Registration.Status.ACCEPTED:
        raise Http404(_("The badge is available once the registration is accepted."))
    response = HttpResponse(badge_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badge-{registration.edition.slug}.pdf"'
    return response


@never_cache
@permission_required("delegates.check_in")
@rate_limit("check_in")
def check_in(request, edition_slug):
    edition = _edition(edition_slug)
    result = None
    if request.method == "POST":
        scanned = CheckInForm(request.POST, edition=edition)
        if scanned.is_valid():
            try:
                services.registration_check_in(registration=scanned.registration, user=request.user)
            except services.RegistrationError as error:
                result = {"ok": False, "message": error.message, "registration": scanned.registration}
            else:
                result = {"ok": True, "message": _("Checked in."), "registration": scanned.registration}
        else:
            result = {"ok": False, "message": scanned.errors["code"][0], "registration": None}
    # Always an empty field: the scanner types the next code straight into it.
    form = CheckInForm(edition=edition)
    context = {
        "edition": edition,
        "form": form,
        "result": result,
        "checked_in_count": Registration.objects.for_edition(edition).filter(checked_in_at__isnull=False).count(),
        "accepted_count": Registration.objects.for_edition(edition).accepted().count(),
    }
    return render(request, "delegates/check_in.html", context)


def privacy(request):
    return render(
        request,
        "delegates/privacy.html",
        {
            "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "confirm_days": max(1, settings.REGISTRATION_CONFIRM_MAX_AGE // 86400),
        },
    )


@never_cache
@acting_as(Actor.FOCAL_POINT)
def delegation(request, token):
    """The focal point's page: the delegation's quota and members; add, cancel, resend a link.
    Posts are limited per delegation, not per address: an office registers its whole
    delegation in one sitting, and a flood through one leaked link is stopped."""
    try:
        delegation = tokens.delegation_from_token(token)
    except tokens.InvalidToken as error:
        return render(request, "delegates/link_invalid.html", {"error": error, "edition": None}, status=400)
    form, table_form, preview, cancelling = DelegationMemberForm(), DelegationTableForm(), None, None
    if request.method == "POST":
        if limit_exceeded("focal_point", f"delegation-{delegation.pk}"):
            return rate_limited_page(request, "focal_point")
        action = request.POST.get("action")
        if action == "preview_table":
            table_form = DelegationTableForm(request.POST, request.FILES)
            preview = _delegation_table_preview(request, delegation, table_form)
        elif action == "import_table":
            _delegation_table_import(request, delegation)
            return redirect("delegates:delegation", token=token)
        elif action == "cancel" and request.POST.get("confirmed") != "yes":
            # One click must not cancel a member: the page asks first, naming them.
            try:
                cancelling = services.delegation_member(
                    delegation=delegation, registration_id=request.POST.get("member")
                )
            except services.RegistrationError as refusal:
                messages.error(request, refusal.message)
                return redirect("delegates:delegation", token=token)
        else:
            form = _delegation_post(request, delegation)
            if form is None:
                return redirect("delegates:delegation", token=token)
    # The address the focal point typed is theirs to see; one a member gave the organizers
    # themselves (then moved into the delegation) is not.
    members = (
        delegation.registrations.select_related("person")
        .with_focal_point_origin()
        .order_by("person__family_name", "pk")
    )
    context = {
        "delegation": delegation,
        "edition": delegation.edition,
        "members": members,
        "places_taken": Delegation.objects.with_quota_use().get(pk=delegation.pk).places_taken,
        "form": form,
        "table_form": table_form,
        "preview": preview,
        "cancelling": cancelling,
        "table_columns": imports.DELEGATION_COLUMNS,
        "participation_choices": Participation.choices,
        "registration_open": delegation.edition.is_registration_open(),
    }
    return render(request, "delegates/delegation.html", context)


# A previewed table waits in the session (database-backed: any process may confirm it) as
# long as a preview is worth confirming; erasure drops it (delegates.erasure).
TABLE_SESSION_KEY = "delegation_import"
TABLE_PREVIEW_MAX_AGE = 60 * 60


def _delegation_table_preview(request, delegation, table_form):
    """Every row run as it will be, then rolled back: the focal point sees what would happen."""
    if not table_form.is_valid():
        return None
    target = imports.ImportTarget(kind=imports.ImportTarget.DELEGATION, delegation=delegation)
    text = table_form.cleaned_data["text"]
    try:
        results = imports.delegates_import(
            edition=delegation.edition, text=text, user=None, dry_run=True, target=target
        )
    except imports.ImportFileError as error:
        table_form.add_error("file" if table_form.cleaned_data.get("file") else "table", error.message)
        return None
    token = secrets.token_urlsafe(16)
    request.session[TABLE_SESSION_KEY] = {
        "delegation": delegation.pk,
        "token": token,
        "text": text,
        "created": time.time(),
    }
    return {
        "results": results,
        "counts": imports.summary(results),
        "ignored_columns": imports.ignored_columns(text, used=imports.DELEGATION_READS),
        "token": token,
    }


def _delegation_table_import(request, delegation):
    pending = request.session.pop(TABLE_SESSION_KEY, None)
    if (
        not pending
        or pending.get("delegation") != delegation.pk
        or pending.get("token") != request.POST.get("token")
        or time.time() - pending.get("created", 0) > TABLE_PREVIEW_MAX_AGE
    ):
        messages.error(request, _("This table is no longer waiting for confirmation. Paste it again."))
        return
    target = imports.ImportTarget(kind=imports.ImportTarget.DELEGATION, delegation=delegation)
    results = imports.delegates_import(
        edition=delegation.edition, text=pending["text"], user=None, dry_run=False, target=target
    )
    counts = imports.summary(results)
    messages.success(
        request,
        _(
            "%(create)s members registered, %(refuse)s rows refused. "
            "Each member confirms from the e-mail we have sent them."
        )
        % counts,
    )
    for row in results:
        if row.outcome == imports.Outcome.REFUSE:
            messages.warning(
                request, _("Line %(line)s: %(details)s") % {"line": row.line, "details": " ".join(row.details)}
            )


def _delegation_post(request, delegation):
    """Carry out one action; None when done (the page reloads), else the form with its errors."""
    action = request.POST.get("action")
    try:
        if action == "cancel":
            services.delegation_member_cancel(delegation=delegation, registration_id=request.POST.get("member"))
            messages.success(request, _("The registration is cancelled."))
        elif action == "change":
            services.delegation_member_change(
                delegation=delegation,
                registration_id=request.POST.get("member"),
                participation=request.POST.get("participation", ""),
            )
            messages.success(request, _("Saved."))
        elif action == "resend":
            services.delegation_member_resend(delegation=delegation, registration_id=request.POST.get("member"))
            messages.success(request, _("The member's link is on its way to their e-mail address."))
        else:
            form = DelegationMemberForm(request.POST)
            if not form.is_valid():
                return form
            services.delegation_member_add(
                delegation=delegation,
                data=form.registration_data(),
                participation=form.cleaned_data["participation"],
                language=get_language(),
            )
            messages.success(request, _("Registered. The member confirms from the e-mail we have sent them."))
    except services.RegistrationError as refusal:
        messages.error(request, refusal.message)
        return DelegationMemberForm(request.POST) if action not in ("cancel", "resend", "change") else None
    return None


def _invitation_context(invitation, token, edition):
    language = get_language()
    return {
        "invitation": invitation,
        "edition": edition,
        "token": token,
        "name": in_reader_script(invitation.name_for(language), language),
    }


@rate_limit("invitation")
@_from_link(tokens.invitation_from_token)
def invitation(request, invitation, token):
    """The invitee's personal link: the registration form pre-filled, for the invited address."""
    edition = _edition(invitation.edition.slug)
    context = _invitation_context(invitation, token, edition)
    if invitation.is_used:
        return render(request, "delegates/invitation_answered.html", context)
    if not edition.is_registration_open():
        return _closed(request, edition)
    if request.method == "GET":
        services.invitation_open(invitation=invitation)
    form = InvitationRegistrationForm(request.POST or None, edition=edition, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.invitation_register(
                invitation=invitation, data=form.registration_data(), language=get_language()
            )
        except services.DuplicateRegistration as duplicate:
            # The invitation is for this address, so no secret is given away by saying so.
            services.registration_send_manage_link(registration=duplicate.registration)
            form.add_error(
                None,
                _("This address is already registered for this edition. We have sent the link to that registration."),
            )
        except services.RegistrationError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Thank you: you are registered."))
            return redirect("delegates:manage", token=tokens.manage_token(registration))
    context.update(form=form, availability=Registration.objects.availability(edition))
    return render(request, "delegates/invitation.html", context)


@rate_limit("invitation")
@_from_link(tokens.invitation_from_token)
def invitation_decline(request, invitation, token):
    """Declining takes one button: the link only shows it, since mail scanners open links."""
    context = _invitation_context(invitation, token, invitation.edition)
    if invitation.is_used:
        return render(request, "delegates/invitation_answered.html", context)
    if request.method == "POST":
        try:
            services.invitation_decline(invitation=invitation)
        except services.RegistrationError as refusal:
            context["error"] = refusal.message
        else:
            context["declined"] = True
    return render(request, "delegates/invitation_decline.html", context)
