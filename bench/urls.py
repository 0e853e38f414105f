"""The site's URLs plus two baselines: a bare view doing one INSERT per POST, and a bare GET view."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from plaidoyer.urls import handler400, handler500  # noqa: F401 (the site's error pages, looked up here)
from plaidoyer.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def baseline(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_baseline (email) VALUES (%s)", [request.POST.get("email", "")])
    return HttpResponse(status=204)


def bare(request):
    """What any page costs at least: the site's middleware and a tiny response, no query of its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-baseline/", baseline), path("bench-bare/", bare)] + site_urlpatterns
