"""The yardstick: a bare Django site with one view, no middleware, no database, and a
template with a 50-row loop. Every benchmark reports the project's pages beside it.

    .venv/bin/gunicorn benchmarks.bare_site:application     # served over HTTP
    from benchmarks.bare_site import bare_view                # called in-process
"""

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-site-benchmark-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        USE_I18N=False,
    )

import django  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.urls import path  # noqa: E402

TEMPLATE = Engine().from_string(
    "<!doctype html><html lang=en><head><title>Bare</title></head><body><table>"
    '{% for row in rows %}<tr><td>{{ row.number }}</td><td><a href="/rows/{{ row.number }}/">'
    "{{ row.title }}</a></td><td>{{ row.summary|truncatewords:8 }}</td></tr>{% endfor %}"
    "</table></body></html>"
)
ROWS = [
    {"number": index, "title": f"Row {index}", "summary": "On supply chains and their resilience."}
    for index in range(50)
]


def bare_view(request):
    return HttpResponse(TEMPLATE.render(Context({"rows": ROWS})))


urlpatterns = [path("", bare_view)]

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
