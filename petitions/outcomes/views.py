"""The unsubscribe link of an outcome email: GET shows one button, POST (also mail programs' one click) stops the news."""

from django.core import signing
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from .delivery import UNSUBSCRIBE_LINK, withdraw
from .models import OutcomeEmail

STOP_BUTTON = _("Stop the news of this action")


def button_wording(language):
    with translation.override(language):
        return gettext(STOP_BUTTON)


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" to the link, without a CSRF token or a
# cookie. The signed token is what authorises it; it can only ever stop emails.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        email_id = UNSUBSCRIBE_LINK.row_id(token)
    except (signing.BadSignature, ValueError):
        return invalid_link(request)
    site = Site.find_for_request(request)
    email = OutcomeEmail.objects.select_related("supporter", "outcome").filter(pk=email_id).first()
    if email is None or site is None or email.supporter.site_id != site.pk:
        return invalid_link(request)
    if request.method == "POST":
        withdraw(email, button_wording)
        return render(request, "outcomes/unsubscribed.html")
    return render(request, "outcomes/unsubscribe.html", {"button": STOP_BUTTON})


def invalid_link(request):
    return render(request, "outcomes/invalid_link.html", status=400)
