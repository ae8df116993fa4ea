"""Links on the admin's front page to the pages that live outside the model lists."""

from django import template

from events.models import Edition

register = template.Library()

# Editions whose delegates may still arrive at the door.
CHECK_IN_STATUSES = [Edition.Status.REGISTRATION_OPEN, Edition.Status.REGISTRATION_CLOSED]


@register.simple_tag
def check_in_editions():
    return list(Edition.objects.filter(status__in=CHECK_IN_STATUSES).order_by("-ordinal"))


@register.simple_tag
def dashboard_editions():
    return list(Edition.objects.order_by("-ordinal")[:3])
