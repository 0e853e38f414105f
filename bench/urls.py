"""The site's URLs plus the baseline: a bare view doing one INSERT per POST."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from plaidoyer.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def baseline(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_baseline (email) VALUES (%s)", [request.POST.get("email", "")])
    return HttpResponse(status=204)


urlpatterns = [path("bench-baseline/", baseline)] + site_urlpatterns
