from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
]
