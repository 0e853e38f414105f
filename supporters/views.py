"""The *Your data* pages: asking for a copy or the erasure of one's data, and the emailed link's page."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.models import Site

from .captcha import captcha_missing
from .forms import RightsRequestForm
from .models import RightsKind
from .ratelimit import allow, too_many_requests
from .rights import LinkNotUsable, address_key, erase_on_request, record_request, request_for_token, take_copy


def _section(request):
    from django.http import Http404

    from sections.models import SectionSettings

    site = Site.find_for_request(request)
    section = SectionSettings.objects.filter(site=site).first() if site else None
    if section is None:
        raise Http404("No section at this host.")
    return site, section


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rights_request(request):
    site, section = _section(request)
    unavailable = captcha_missing(section)
    if unavailable is not None:
        status = 503 if request.method == "POST" else 200
        return render(request, "supporters/rights/request.html", {"unavailable": unavailable}, status=status)
    if request.method == "POST" and not allow(
        request, "rights", [("ip", *settings.RIGHTS_RATE_LIMITS["ip"])]
    ):
        return too_many_requests(request)
    form = RightsRequestForm(request.POST if request.method == "POST" else None, section=section)
    if request.method == "POST" and form.is_valid():
        if form.without_proof_of_work and not allow(
            request, "rights-noscript", [("ip", *settings.NO_SCRIPT_RATE_LIMITS["rights"])]
        ):
            return too_many_requests(request)
        email = form.cleaned_data["email"]
        # Per address too: nobody fills another person's mailbox. Over the limit, nothing is sent and
        # the page still answers alike.
        if allow(request, "rights-address", [(address_key(email), *settings.RIGHTS_RATE_LIMITS["address"])]):
            record_request(site, email, form.cleaned_data["kind"], get_language())
        return HttpResponseRedirect(reverse("rights:sent"), status=303)
    return render(
        request,
        "supporters/rights/request.html",
        {"form": form, "captcha_warning": not form.has_captcha and not settings.CAPTCHA_REQUIRED},
    )


@require_safe
def request_sent(request):
    _section(request)
    return render(request, "supporters/rights/sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rights_link(request, token):
    """The emailed link opens a page with one button; only its POST downloads the copy or erases.

    Mail providers' link scanners fetch every link in a message: a GET must neither use the link nor erase.
    """
    site, section = _section(request)
    try:
        rights_request = request_for_token(token, site)
    except LinkNotUsable as error:
        return render(request, "supporters/rights/invalid_link.html", {"reason": error.reason}, status=400)
    if request.method != "POST":
        return render(request, "supporters/rights/confirm.html", {"rights_request": rights_request})
    if rights_request.kind == RightsKind.ACCESS:
        # The page's second button asks for the machine-readable copy (JSON) instead of the text.
        machine_readable = request.POST.get("format") == "json"
        text = take_copy(rights_request, machine_readable=machine_readable)
        if text is None:
            return render(request, "supporters/rights/invalid_link.html", {"reason": "used"}, status=400)
        content_type, extension = ("application/json", "json") if machine_readable else ("text/plain", "txt")
        response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="my-data-{section.code}.{extension}"'
        return response
    rows = erase_on_request(rights_request)
    if rows is None:
        return render(request, "supporters/rights/invalid_link.html", {"reason": "used"}, status=400)
    # 0: erased meanwhile by another request or a data officer, whose erasure told the person (or not).
    return render(request, "supporters/rights/erased.html", {"told": rows > 0})
