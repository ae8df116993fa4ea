from django.urls import path

from . import api, views
from .feeds import ResolutionFeed
from .page_cache import cached_public_page

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
    path("editions/<slug:slug>/participants/", views.edition_participants, name="edition_participants"),
    path("editions/<slug:slug>/calendar.ics", views.edition_calendar, name="edition_calendar"),
    path("editions/<slug:edition_slug>/speeches/<slug:slug>/", views.speech_detail, name="speech_detail"),
    path(
        "editions/<slug:edition_slug>/resolutions/<int:number>/",
        views.resolution_detail,
        name="resolution_detail",
    ),
    path("resolutions/", views.resolution_list, name="resolution_list"),
    path("resolutions/feed/", cached_public_page(ResolutionFeed()), name="resolution_feed"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("search/", views.search, name="search"),
    path("api/editions/", api.edition_list, name="api_edition_list"),
    path("api/editions/<slug:slug>/", api.edition_detail, name="api_edition_detail"),
    path("api/speeches/", api.speech_list, name="api_speech_list"),
    path("api/resolutions/", api.resolution_list, name="api_resolution_list"),
]
