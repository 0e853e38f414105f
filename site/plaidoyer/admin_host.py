"""In production the admin answers only on its own host (ADMIN_HOST); section hosts answer 404 for it."""

from django.conf import settings
from django.http import Http404

ADMIN_PREFIXES = ("/admin/",)


class AdminHostMiddleware:
    """A section's public host does not even show the admin's sign-in page to whoever tries it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ADMIN_HOST and request.path_info.startswith(ADMIN_PREFIXES):
            if request.get_host().split(":")[0] != settings.ADMIN_HOST:
                raise Http404("The admin answers on its own host only.")
        return self.get_response(request)
