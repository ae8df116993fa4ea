from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Japan–Taiwan Exchange Summit · Organizers")
admin.site.site_title = _("Japan–Taiwan Exchange Summit")
admin.site.index_title = _("Run the summit series")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("events.urls")),
)
