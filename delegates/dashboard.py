"""The figures and charts on an edition's registration dashboard in the admin.

Every figure is one aggregate query against the database, so the page shows exactly what
the database holds; the charts are SVG drawn here, so the admin loads nothing from outside.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from events.translation_status import edition_content, translation_report

from .models import SIDE_COLOURS, Category, Delegation, Invitation, Registration, RegistrationStatusChange, Side

Status = Registration.Status
LATEST_ACTIVITY = 10


@dataclass
class Share:
    label: str
    count: int
    value: str = ""
    colour: str = ""

    def percent_of(self, total):
        return round(100 * self.count / total) if total else 0


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Dashboard:
    edition: object
    total: int
    by_status: list
    by_side: list
    by_category: list
    accepted: int
    capacity: int | None
    waiting_list: int
    confirmation: Progress
    check_in: Progress
    daily: list
    latest_activity: list
    # {language: {"missing": n, "stale": n, "current": n}} for the edition's published content
    translations: dict
    # Each delegation with places_taken, against its quota
    delegations: list
    # (status label, count, status code) of the edition's invitations; empty when none
    invitations: list

    @property
    def capacity_progress(self):
        return Progress(self.accepted, self.capacity) if self.capacity else None

    @property
    def places_left(self):
        return max(self.capacity - self.accepted, 0) if self.capacity else None

    def timeline_svg(self):
        return cumulative_line_svg(self.daily)

    def side_svg(self):
        return bar_chart_svg(self.by_side)

    def status_svg(self):
        return bar_chart_svg(self.by_status)


def _counts(queryset, field, choices, colours=None):
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    return [
        Share(label=str(label), count=counts.get(value, 0), value=value, colour=(colours or {}).get(value, ""))
        for value, label in choices
    ]


def edition_dashboard(edition) -> Dashboard:
    registrations = Registration.objects.for_edition(edition)
    not_cancelled = ~Q(status=Status.CANCELLED)
    totals = registrations.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        active=Count("pk", filter=not_cancelled),
        confirmed=Count("pk", filter=not_cancelled & Q(confirmed_at__isnull=False)),
        checked_in=Count("pk", filter=Q(status=Status.ACCEPTED, checked_in_at__isnull=False)),
    )
    daily = list(
        registrations.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
        .values_list("day", "n")
    )
    latest = (
        RegistrationStatusChange.objects.filter(registration__edition=edition)
        .select_related("registration__person", "user")
        .order_by("-changed_at", "-pk")[:LATEST_ACTIVITY]
    )
    return Dashboard(
        edition=edition,
        total=totals["total"],
        by_status=_counts(registrations, "status", Status.choices),
        by_side=_counts(registrations, "person__side", Side.choices, SIDE_COLOURS),
        by_category=_counts(registrations, "person__category", Category.choices),
        accepted=totals["accepted"],
        capacity=edition.capacity,
        waiting_list=totals["waitlisted"],
        confirmation=Progress(totals["confirmed"], totals["active"]),
        check_in=Progress(totals["checked_in"], totals["accepted"]),
        daily=daily,
        latest_activity=list(latest),
        translations=translation_report(edition_content(edition)).counts,
        delegations=list(Delegation.objects.filter(edition=edition).with_quota_use().order_by("side", "name_en")),
        invitations=_invitation_counts(edition),
    )


def _invitation_counts(edition) -> list:
    counts = dict(
        Invitation.objects.filter(edition=edition).values_list("status").annotate(count=Count("pk")).order_by()
    )
    if not counts:
        return []
    return [(label, counts.get(value, 0), value) for value, label in Invitation.Status.choices]


# --- Charts ---------------------------------------------------------------------------
# Plain SVG with a <title> per mark (a tooltip and a text for screen readers) and a
# <table> fallback in the template; sizes in viewBox units so the chart scales with the page.

WIDTH, HEIGHT = 800, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 32


def cumulative_line_svg(daily: list[tuple[datetime.date, int]]) -> str:
    """Registrations so far, day by day."""
    if not daily:
        return ""
    # The line starts from zero the day before the first registration, so even one day
    # of registrations draws a rise rather than a lone dot.
    first, last = daily[0][0] - datetime.timedelta(days=1), daily[-1][0]
    span = (last - first).days
    running, points = 0, [(first, 0)]
    for day, count in daily:
        running += count
        points.append((day, running))
    top = _nice_ceiling(running)
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(day):
        return PAD_LEFT + plot_w * (day - first).days / span

    def y(value):
        return PAD_TOP + plot_h * (1 - value / top)

    path = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points)
    area = f"{PAD_LEFT:.1f},{y(0):.1f} {path} {x(last):.1f},{y(0):.1f}"
    gridlines = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="axis" '
        'text-anchor="end">{}</text>',
        (
            (PAD_LEFT, WIDTH - PAD_RIGHT, f"{y(v):.1f}", f"{y(v):.1f}", PAD_LEFT - 6, f"{y(v) + 4:.1f}", v)
            for v in (0, top // 2, top)
        ),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" class="dot"><title>{}: {}</title></circle>',
        ((f"{x(day):.1f}", f"{y(value):.1f}", date_format(day, "SHORT_DATE_FORMAT"), value) for day, value in points),
    )
    return format_html(
        '<svg viewBox="0 0 {w} {h}" role="img" aria-label="{label}" class="chart chart-line">'
        '{grid}<polygon points="{area}" class="area"/><polyline points="{path}" class="line"/>{dots}'
        '<text x="{x0}" y="{yb}" class="axis">{start}</text>'
        '<text x="{x1}" y="{yb}" class="axis" text-anchor="end">{end}</text></svg>',
        w=WIDTH,
        h=HEIGHT,
        label=_("Registrations over time, %(total)s in all") % {"total": running},
        grid=gridlines,
        area=area,
        path=path,
        dots=dots,
        x0=PAD_LEFT,
        x1=WIDTH - PAD_RIGHT,
        yb=HEIGHT - 8,
        start=date_format(first, "SHORT_DATE_FORMAT"),
        end=date_format(last, "SHORT_DATE_FORMAT"),
    )


def bar_chart_svg(shares: list[Share]) -> str:
    """One horizontal bar per share, its label above it and its count after it; narrow
    enough to stay legible in a third of the page."""
    width, row, bar_h, count_w = 360, 36, 12, 44
    height = row * len(shares) + 4
    biggest = max((share.count for share in shares), default=0) or 1
    bar_w = width - count_w
    bars = format_html_join(
        "",
        '<g><title>{}: {}</title><text x="0" y="{}" class="label">{}</text>'
        '<rect x="0" y="{}" width="{}" height="{}" rx="2" class="bar bar-{}"{}/>'
        '<text x="{}" y="{}" class="count">{}</text></g>',
        (
            (
                share.label,
                share.count,
                row * index + 13,
                share.label,
                row * index + 18,
                f"{max(bar_w * share.count / biggest, 1 if share.count else 0):.1f}",
                bar_h,
                share.value,
                # Sides keep one colour everywhere (badges too): it comes from SIDE_COLOURS.
                format_html(' fill="{}"', share.colour) if share.colour else "",
                f"{bar_w * share.count / biggest + 6:.1f}",
                row * index + 29,
                share.count,
            )
            for index, share in enumerate(shares)
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart chart-bars">{}</svg>',
        width,
        height,
        ", ".join(f"{share.label}: {share.count}" for share in shares),
        bars,
    )


def _nice_ceiling(value: int) -> int:
    """The next round number above value, so the axis reads 0 / 50 / 100 rather than 0 / 43 / 87."""
    for step in (2, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if value <= step:
            return step
    return int(value * 1.1) + 1
