"""Links on the admin's front page to the pages that live outside the model lists."""

from django import template

from events.models import Edition

from ..services import CHECK_IN_EDITION_STATUSES

register = template.Library()


@register.simple_tag
def check_in_editions():
    return list(Edition.objects.filter(status__in=CHECK_IN_EDITION_STATUSES).order_by("-ordinal"))


@register.simple_tag
def dashboard_editions():
    return list(Edition.objects.order_by("-ordinal")[:3])
