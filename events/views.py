from django.shortcuts import get_object_or_404, render

from .models import Edition


def home(request):
    editions = Edition.objects.public().select_related("series")
    return render(request, "events/home.html", {"editions": editions})


def edition_detail(request, slug):
    edition = get_object_or_404(Edition.objects.select_related("series"), slug=slug)
    return render(request, "events/edition_detail.html", {"edition": edition})
