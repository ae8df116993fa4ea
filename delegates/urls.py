from django.urls import path

from . import logistics_views, views

app_name = "delegates"

urlpatterns = [
    path("editions/<slug:edition_slug>/register/", views.register, name="register"),
    path("editions/<slug:edition_slug>/register/thanks/", views.registered, name="registered"),
    path("editions/<slug:edition_slug>/register/find/", views.lookup, name="lookup"),
    path("editions/<slug:edition_slug>/check-in/", views.check_in, name="check_in"),
    path("registration/confirm/<str:token>/", views.confirm, name="confirm"),
    path("registration/<str:token>/", views.manage, name="manage"),
    path("registration/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registration/<str:token>/badge.pdf", views.badge, name="badge"),
    path("registration/<str:token>/travel/", logistics_views.travel, name="travel"),
    path("registration/<str:token>/invitation-letter.pdf", logistics_views.letter, name="letter"),
    path("letters/verify/<str:token>/", logistics_views.letter_verify, name="letter_verify"),
    path("delegation/<str:token>/", views.delegation, name="delegation"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/<str:token>/decline/", views.invitation_decline, name="invitation_decline"),
    path("privacy/", views.privacy, name="privacy"),
]
