"""A deletion refused because supporters' data still refers to it is a message in the admin, not a 500.

Sections, their sites and their pages are protected (on_delete=PROTECT) by the supporters, signatures,
letters, donations and consent lines that belong to them: counts and the consent ledger must never lose
their rows by accident. Wagtail's delete views let Django's ProtectedError through; this middleware
answers it for every admin view at once, with what still refers to the object and what to do.
"""

from django.contrib import messages
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def what_refers(error):
    counts = {}
    for row in error.protected_objects:
        name = capfirst(row._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))


class ProtectedDeletionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ProtectedError) or not request.path_info.startswith("/admin/"):
            return None
        messages.error(
            request,
            _(
                "This cannot be deleted: supporters' data still belongs to it (%(rows)s). Export and "
                "erase that data first, or keep it."
            )
            % {"rows": what_refers(exception)},
        )
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("wagtailadmin_home")
        return HttpResponseRedirect(back)
