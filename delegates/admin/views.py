"""The organizer's pages beside the registration list: CSV import, the message composer and
the transition buttons on a registration's page.

Both work on what the list shows: the composer writes to the list as it is filtered now;
the import adds to one edition. Each view only translates HTTP: a form validates,
delegates.imports / delegates.messaging do the work, a template renders.
"""

import secrets
import time

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Edition

from .. import imports, services
from ..emails import PLACEHOLDERS, render_composed
from ..messaging import FILTER_SEPARATOR, message_draft, message_send, search_filter, versions_by_reader_language
from ..models import Delegation, Registration, RegistrationStatusChange
from .forms import ComposeMessageForm, ImportUploadForm, TransitionForm

PREVIEW_RECIPIENTS = 3
# The file between preview and confirmation lives in the session (database-backed), so
# any process can finish an import another one previewed. It holds personal data, so it is
# kept only as long as a preview is worth confirming (see also delegates.retention).
SESSION_KEY = "delegates_import"
PREVIEW_MAX_AGE = 60 * 60


def _context(model_admin, request, title, **extra):
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, "title": title, **extra}


def filtered_changelist(model_admin, request):
    """The registration list as the query string filters it, or None when the filters are
    malformed (a hand-edited address); the caller then goes back to the list, which says so."""
    try:
        return model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return None


def back_to_list_with_error():
    return HttpResponseRedirect(reverse("admin:delegates_registration_changelist") + f"?{ERROR_FLAG}=1")


def _active_filters(changelist, request) -> list[str]:
    """What the list is narrowed to, in words: "Status: Accepted", "Side: Taiwan", a search."""
    described = []
    for spec in changelist.filter_specs:
        if not any(param in request.GET for param in spec.expected_parameters()):
            continue
        for choice in spec.choices(changelist):
            if choice.get("selected"):
                described.append(f"{capfirst(spec.title)}: {choice['display']}")
    if changelist.query:
        described.append(search_filter(changelist.query))
    return described


def _previews(message, recipients) -> list[dict]:
    """The message as the first few recipients will read it: the version of their language
    (or English, said so), placeholders filled in."""
    previews = []
    for registration in recipients[:PREVIEW_RECIPIENTS]:
        rendered = render_composed(message, registration)
        previews.append(
            {
                "registration": registration,
                "subject": rendered.subject,
                "text": rendered.text,
                "fallback": rendered.language != registration.language,
            }
        )
    return previews


def compose_view(model_admin, request):
    """Write one e-mail to every registration in the list as it is filtered now."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    changelist = filtered_changelist(model_admin, request)
    if changelist is None:
        return back_to_list_with_error()
    recipients = changelist.get_queryset(request).select_related("person", "edition__series")
    recipient_count = recipients.count()
    filters = _active_filters(changelist, request)
    form = ComposeMessageForm(request.POST or None, initial={"expected_recipients": recipient_count})
    previews, versions = [], []
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        translations = form.translations()
        if "send" in request.POST:
            if form.cleaned_data["expected_recipients"] != recipient_count:
                form.add_error(
                    None,
                    _("The list changed since the preview: it now has %(count)s recipients. Check the preview again.")
                    % {"count": recipient_count},
                )
            elif recipient_count == 0:
                form.add_error(None, _("No registration matches these filters; nobody would get this message."))
            else:
                message_send(
                    subject=subject,
                    body=body,
                    registrations=recipients,
                    user=request.user,
                    recipients_filter=FILTER_SEPARATOR.join(filters),
                    translations=translations,
                )
                model_admin.message_user(
                    request,
                    ngettext(
                        "The message is queued for %(count)d delegate.",
                        "The message is queued for %(count)d delegates.",
                        recipient_count,
                    )
                    % {"count": recipient_count},
                    messages.SUCCESS,
                )
                changelist_url = reverse("admin:delegates_registration_changelist")
                return HttpResponseRedirect(f"{changelist_url}?{request.GET.urlencode()}")
        form.data = form.data.copy()
        form.data["expected_recipients"] = recipient_count
        draft = message_draft(subject=subject, body=body, translations=translations)
        previews = _previews(draft, recipients)
        versions = versions_by_reader_language(draft, recipients)
    context = _context(
        model_admin,
        request,
        _("Write to delegates"),
        form=form,
        recipient_count=recipient_count,
        filters=filters,
        previews=previews,
        versions=versions,
        placeholders=PLACEHOLDERS,
        query=request.GET.urlencode(),
    )
    return TemplateResponse(request, "admin/delegates/registration/compose.html", context)


def import_view(model_admin, request):
    """Upload a CSV file and see, row by row, what importing it would do."""
    if not model_admin.may_import(request):
        raise PermissionDenied
    # A link may choose what the rows become and where they go (the delegation's page does).
    initial = {name: request.GET.get(name) for name in ("action", "edition", "delegation") if request.GET.get(name)}
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial=initial)
    context = _context(
        model_admin, request, _("Import or invite delegates"), form=form, column_help=imports.COLUMN_HELP
    )
    if request.method == "POST" and form.is_valid():
        edition = form.cleaned_data["edition"]
        upload = form.cleaned_data["file"]
        try:
            text = imports.decode(upload.read())
            target = form.target()
            results = imports.delegates_import(
                edition=edition, text=text, user=request.user, dry_run=True, target=target
            )
            ignored = imports.ignored_columns(text)
        except imports.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "token": token,
                "edition": edition.pk,
                "filename": upload.name,
                "text": text,
                "created": time.time(),
                "target": {
                    "kind": target.kind,
                    "delegation": target.delegation.pk if target.delegation else None,
                    "participation": target.participation,
                    "skips_approval": target.skips_approval,
                },
            }
            context.update(
                edition=edition,
                filename=upload.name,
                results=results,
                counts=imports.summary(results),
                ignored_columns=ignored,
                token=token,
                preview=True,
                target=target,
            )
    return TemplateResponse(request, "admin/delegates/registration/import.html", context)


def import_confirm_view(model_admin, request):
    """Import the previewed file for real, in one transaction."""
    if not model_admin.may_import(request):
        raise PermissionDenied
    pending = request.session.get(SESSION_KEY)
    if pending and time.time() - pending.get("created", 0) > PREVIEW_MAX_AGE:
        del request.session[SESSION_KEY]
        pending = None
    if request.method != "POST" or not pending or pending["token"] != request.POST.get("token"):
        model_admin.message_user(
            request,
            _(
                "This import is no longer waiting for confirmation (it was imported or replaced). "
                "Upload the file again."
            ),
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:delegates_registration_import"))
    edition = Edition.objects.filter(pk=pending["edition"]).first()
    if edition is None:
        del request.session[SESSION_KEY]
        model_admin.message_user(request, _("The edition of this import no longer exists."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:delegates_registration_import"))
    target = _stored_target(pending.get("target") or {}, edition)
    if target is None:
        del request.session[SESSION_KEY]
        model_admin.message_user(request, _("The delegation of this import no longer exists."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:delegates_registration_import"))
    results = imports.delegates_import(
        edition=edition, text=pending["text"], user=request.user, dry_run=False, target=target
    )
    del request.session[SESSION_KEY]
    counts = imports.summary(results)
    model_admin.message_user(
        request,
        _("Import finished: %(create)s created, %(update)s updated, %(unchanged)s unchanged, %(refuse)s refused.")
        % counts,
        messages.SUCCESS if not counts["refuse"] else messages.WARNING,
    )
    context = _context(
        model_admin,
        request,
        _("Import or invite delegates"),
        edition=edition,
        filename=pending["filename"],
        results=results,
        counts=counts,
        done=True,
        target=target,
    )
    return TemplateResponse(request, "admin/delegates/registration/import.html", context)


def _stored_target(stored: dict, edition) -> imports.ImportTarget | None:
    """The previewed import's target again; None when its delegation was deleted since."""
    delegation = None
    if stored.get("delegation"):
        delegation = Delegation.objects.filter(pk=stored["delegation"], edition=edition).first()
        if delegation is None:
            return None
    return imports.ImportTarget(
        kind=stored.get("kind", imports.ImportTarget.REGISTER),
        delegation=delegation,
        participation=stored.get("participation", imports.ImportTarget.participation),
        skips_approval=stored.get("skips_approval", False),
    )


# --- The transition buttons on a registration's page ---------------------------------------


def transition_view(model_admin, request, object_id):
    """Run the chosen service with the organizer's reason; a refusal is shown, never a 500."""
    registration = get_object_or_404(Registration.objects.select_related("person", "edition"), pk=object_id)
    if request.method != "POST" or not model_admin.has_change_permission(request, registration):
        raise PermissionDenied
    change_url = reverse("admin:delegates_registration_change", args=[registration.pk])
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                model_admin.message_user(request, error, messages.ERROR)
        return HttpResponseRedirect(change_url)
    to, note = form.cleaned_data["to"], form.cleaned_data["note"]
    organizer = {"actor": RegistrationStatusChange.Actor.ORGANIZER, "user": request.user}
    try:
        if to == TransitionForm.UNDO_CHECK_IN:
            services.registration_undo_check_in(registration=registration, user=request.user)
        else:
            TransitionForm.SERVICES[to](registration=registration, note=note, **organizer)
    except services.RegistrationError as refusal:
        model_admin.message_user(request, refusal.message, messages.ERROR)
    else:
        registration.refresh_from_db()
        if to == TransitionForm.UNDO_CHECK_IN:
            model_admin.message_user(request, _("The check-in was undone."), messages.SUCCESS)
        else:
            model_admin.message_user(
                request,
                _("The registration is now “%(status)s”.") % {"status": registration.get_status_display()},
                messages.SUCCESS,
            )
    return HttpResponseRedirect(change_url)
