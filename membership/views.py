"""Public views of joining: the join page and its form, the thank-you step, the email confirmation."""

from django.conf import settings
from django.core import signing
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from sections.models import SectionSettings
from supporters.captcha import captcha_missing
from supporters.network import request_ip_hash
from supporters.ratelimit import allow, too_many_requests

from .forms import JoinForm
from .joining import CONFIRMATION_LINK, confirm_membership, record_join
from .models import JoinPage, Membership, MembershipState, Way, local_groups


def rate_limits(site):
    limits = settings.JOIN_RATE_LIMITS
    return [("ip", *limits["ip"]), (f"section:{site.pk}", *limits["section"])]


def unavailable_reason(page, section):
    """Why the form cannot be used right now (None when it can), and the status a POST gets then."""
    if page.closed:
        return _("This section is not taking new members through this page at the moment."), 403
    if section is None:
        return _("Joining is not available on this site at the moment."), 403
    return None, 200


def listed_groups(page, request):
    """The section's groups in the page's language, filtered by the town chosen (GET), and the towns."""
    site = Site.find_for_request(request) or page.get_site()
    groups = local_groups(site.pk, page.locale_id)
    towns = sorted({group.town for group in groups})
    town = request.GET.get("town", "")
    if town in towns:
        groups = [group for group in groups if group.town == town]
    else:
        town = ""
    return groups, towns, town


def join_view(request, page):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    section = SectionSettings.for_request(request)
    site = Site.find_for_request(request)
    reason, status = unavailable_reason(page, section)
    form = None
    if reason is None:
        if request.method == "POST" and not allow(request, "membership-join", rate_limits(site)):
            return too_many_requests(request)
        reason = captcha_missing(section)
        if reason is not None:
            status = 503
        else:
            initial = {}
            chosen = request.GET.get("group", "")
            if chosen.isdigit():
                initial["group"] = chosen
            form = JoinForm(
                request.POST if request.method == "POST" else None,
                page=page,
                section=section,
                initial=initial,
            )
    if request.method == "POST":
        if reason is not None:
            return render_join_page(request, page, section, None, reason, status=status)
        if form.is_valid():
            # Without JavaScript (no proof of work) fewer are taken from one address; a membership is
            # confirmed by email in any case.
            if form.without_proof_of_work and not allow(
                request, "membership-join-noscript", [("ip", *settings.NO_SCRIPT_RATE_LIMITS["join"])]
            ):
                return too_many_requests(request)
            data = dict(
                form.cleaned_data,
                consent_wording=form.consent_wording,
                newsletter_wording=form.newsletter_wording,
                group_contact_wording=form.group_contact_wording,
            )
            record_join(page, site, data, language=get_language(), ip_hash=request_ip_hash(request))
            # The same answer whether or not this address had joined: nothing personal in the URL.
            return HttpResponseRedirect(page.get_url(request) + page.reverse_subpage("thanks"), status=303)
    return render_join_page(request, page, section, form, reason)


def render_join_page(request, page, section, form, reason, status=200):
    groups, towns, town = listed_groups(page, request)
    response = page.render(
        request,
        context_overrides={
            "form": form,
            "unavailable": reason,
            "groups": groups,
            "towns": towns,
            "town": town,
            "captcha_warning": form is not None and not form.has_captcha and not settings.CAPTCHA_REQUIRED,
        },
    )
    response.status_code = status
    return response


def thanks_view(request, page):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return page.render(request, template="membership/join_page_thanks.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link in the confirmation email opens a page with one button; only its POST confirms the join.

    Mail providers' link scanners fetch every link in a message: a GET must not join anyone.
    Confirming again, or twice at once, welcomes once.
    """
    try:
        membership_id = CONFIRMATION_LINK.row_id(token)
    except signing.SignatureExpired:
        return invalid_link(request, expired=True)
    except (signing.BadSignature, ValueError):
        return invalid_link(request)
    site = Site.find_for_request(request)
    membership = Membership.objects.filter(pk=membership_id, site=site).first()
    if membership is None:
        return invalid_link(request)
    pages = JoinPage.objects.live().filter(translation_key=membership.join_page_key)
    page = pages.filter(locale__language_code=membership.language).first() or pages.first()
    if request.method == "POST":
        confirm_membership(membership)
        membership.refresh_from_db()
    elif membership.state != MembershipState.CONFIRMED:
        return render(request, "membership/confirm.html", {"page": page})
    return render(
        request, "membership/confirmation.html", {"page": page, "fee_url": fee_url(membership, page, request)}
    )


def fee_url(membership, page, request=None):
    """Where a confirmed member goes on to pay the fee, while it is not paid; else ""."""
    if page is None or membership.way != Way.MEMBER or membership.fee_paid_at is not None:
        return ""
    return page.fee_url(request)


def invalid_link(request, expired=False):
    return render(request, "membership/invalid_link.html", {"expired": expired}, status=400)
