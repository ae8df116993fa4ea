"""After acceptance, on the delegate's private pages: travel details and the invitation letter;
and the public page that verifies a letter's QR code."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from events.models import Edition

from . import tokens
from .letters import ForgedLetter, letter_for_delegate, letter_from_token, letter_pdf
from .logistics import LogisticsError, can_change_travel_plan, logistics_for, travel_plan_save
from .logistics_forms import TravelPlanForm
from .models import Registration, TravelPlan
from .views import _from_link


@_from_link(tokens.registration_from_manage_token)
def travel(request, registration, token):
    if registration.status != Registration.Status.ACCEPTED:
        raise Http404(_("Travel details can be given once the registration is accepted."))
    edition = Edition.objects.select_related("series").prefetch_related("questions").get(pk=registration.edition_id)
    plan = TravelPlan.objects.filter(registration=registration).select_related("hotel").first()
    open_now = can_change_travel_plan(registration)
    form = TravelPlanForm(
        request.POST if request.method == "POST" and open_now else None,
        initial=TravelPlanForm.initial_for(plan),
        edition=edition,
    )
    if request.method == "POST":
        if not open_now:
            messages.error(request, _("The deadline for travel details has passed; please write to the organizers."))
            return redirect("delegates:travel", token=token)
        if form.is_valid():
            try:
                travel_plan_save(
                    registration=registration, data=form.plan_data(), social_event_ids=form.social_event_ids()
                )
            except LogisticsError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your travel details have been saved."))
                return redirect("delegates:travel", token=token)
    if not open_now:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "registration": registration,
        "edition": edition,
        "form": form,
        "plan": plan,
        "open_now": open_now,
        "deadline": logistics_for(edition).follow_up_deadline,
        "token": token,
    }
    return render(request, "delegates/travel.html", context, status=400 if form.is_bound and form.errors else 200)


@_from_link(tokens.registration_from_manage_token)
def letter(request, registration, token):
    if registration.status != Registration.Status.ACCEPTED:
        raise Http404(_("The invitation letter is available once the registration is accepted."))
    issued = letter_for_delegate(registration)
    response = HttpResponse(letter_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invitation-{issued.number}.pdf"'
    return response


@never_cache
def letter_verify(request, token):
    try:
        issued = letter_from_token(token)
    except ForgedLetter as error:
        return render(
            request, "delegates/letter_verify.html", {"verdict": "forged", "message": error.message}, status=404
        )
    if not issued.is_valid:
        return render(request, "delegates/letter_verify.html", {"verdict": "withdrawn", "letter": issued}, status=410)
    registration = issued.registration
    context = {
        "verdict": "genuine",
        "letter": issued,
        "person": registration.person,
        "edition": registration.edition,
    }
    return render(request, "delegates/letter_verify.html", context)
