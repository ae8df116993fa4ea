from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from events.page_cache import cached_public_page
from events.sitemaps import SITEMAPS
from events.views import favicon, robots_txt
from summit_site.health import health

admin.site.site_header = _("Japan–Taiwan Exchange Summit · Organizers")
admin.site.site_title = _("Japan–Taiwan Exchange Summit")
admin.site.index_title = _("Run the summit series")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "sitemap.xml",
        cached_public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("health/", health, name="health"),
]

urlpatterns += i18n_patterns(
    path("", include("events.urls")),
    path("", include("delegates.urls")),
)
