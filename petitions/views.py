"""Public views of petitions: the page and its form, the thank-you step, the email confirmation."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.models import PageViewRestriction, Site

from sections.content_cache import cached
from sections.models import SectionSettings
from supporters.captcha import captcha_missing
from supporters.network import request_ip_hash
from supporters.ratelimit import allow, too_many_requests

from .embeds import embed_url
from .forms import SignatureForm
from .models import PetitionPage, Signature, SignatureState
from .signatures import confirm_signature, record_signature, signature_id_from_token


def rate_limits(petition):
    """Per-IP and per-petition limits from settings.PETITION_RATE_LIMITS."""
    limits = settings.PETITION_RATE_LIMITS
    return [
        ("ip", *limits["ip"]),
        (f"petition:{petition.translation_key}", *limits["petition"]),
    ]


def unavailable_reason(petition, section):
    """Why the form cannot be used right now (None when it can); the status a POST gets then."""
    if petition.has_ended:
        return _("This campaign has ended. Thank you to everyone who signed."), 410
    if not section or not section.petitions_enabled:
        return _("Signing is not available on this site at the moment."), 403
    if not petition.has_opened:
        return _("This petition is not open for signing yet."), 403
    return None, 200


def petition_view(request, petition, partner=""):
    """The petition's form, on its page or (with `partner`, a listed partner's origin) in an embed."""
    section = SectionSettings.for_request(request)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    reason, status = unavailable_reason(petition, section)
    form = None
    if reason is None:
        if request.method == "POST" and not allow(request, "petition-sign", rate_limits(petition)):
            return too_many_requests(request)
        reason = captcha_missing(section)
        if reason is not None:
            status = 503
        else:
            form = SignatureForm(
                request.POST if request.method == "POST" else None, petition=petition, section=section
            )
    if request.method == "POST":
        if reason is not None:
            return render_petition(request, petition, section, None, reason, status=status, partner=partner)
        if form.is_valid():
            # Without JavaScript there is no proof of work: the signature then counts only once
            # confirmed from its email, and few are taken from one address.
            without_script = form.without_proof_of_work
            if without_script and not allow(
                request, "petition-sign-noscript", [("ip", *settings.NO_SCRIPT_RATE_LIMITS["sign"])]
            ):
                return too_many_requests(request)
            data = dict(
                form.cleaned_data,
                consent_wording=form.consent_wording,
                newsletter_wording=form.newsletter_wording,
                outcome_news_wording=form.outcome_news_wording,
            )
            record_signature(
                petition,
                section,
                Site.find_for_request(request),
                data,
                # Wagtail served the page of the URL's language (i18n_patterns).
                language=get_language(),
                ip_hash=request_ip_hash(request),
                double_opt_in=section.double_opt_in or without_script,
                partner=partner,
            )
            # The same answer whether or not this address had signed: nothing personal in the URL.
            if partner:
                thanks = embed_url(petition, request, partner, "embed_thanks")
                if without_script and not section.double_opt_in:
                    thanks += "&" + urlencode({"confirm": "email"})
            else:
                thanks = petition.thanks_url(request)
                if without_script and not section.double_opt_in:
                    thanks += "?" + urlencode({"confirm": "email"})
            return HttpResponseRedirect(thanks, status=303)
    return render_petition(request, petition, section, form, reason, partner=partner)


def sign(request, page_id):
    """The signing form's target: the same form handling as the page, found by id.

    Signing is the hot path under load: Wagtail's routing walks the tree with a query per level,
    where this finds the petition in the cache of published content (sections.content_cache).
    Only a live petition of this site, in the URL's language and without view restrictions, is
    signed here; anything else is not found.
    """
    site = Site.find_for_request(request)
    language = get_language()
    petition = site and cached(
        ("signable-petition", site.pk, language, page_id),
        lambda: signable_petition(request, site, language, page_id),
    )
    if not petition:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(petition.get_url(request))
    return petition_view(request, petition)


def signable_petition(request, site, language, page_id):
    """The live petition `page_id` of `site` in `language`, unless a view restriction covers it; else None.

    A private petition (restricted on it or an ancestor) is signed only through its page.
    """
    petition = (
        PetitionPage.objects.live()
        .filter(pk=page_id, locale__language_code=language)
        .select_related("locale")
        .first()
    )
    if petition is None or petition.get_url_parts(request)[0] != site.pk:
        return None
    ancestors = [
        petition.path[:end] for end in range(petition.steplen, len(petition.path) + 1, petition.steplen)
    ]
    if PageViewRestriction.objects.filter(page__path__in=ancestors).exists():
        return None
    petition.thanks_url(request)  # computed once, cached with the petition for this site
    return petition


def render_petition(request, petition, section, form, reason, status=200, partner=""):
    count = petition.signature_count
    response = petition.render(
        request,
        template="petitions/petition_embed.html" if partner else None,
        context_overrides={
            "embed_action": embed_url(petition, request, partner) if partner else "",
            "form": form,
            "unavailable": reason,
            "count": count,
            "progress": petition.progress(count),
            "captcha_warning": form is not None and not form.has_captcha and not settings.CAPTCHA_REQUIRED,
        },
    )
    response.status_code = status
    return response


def share_links(petition, request):
    """Plain share links (no scripts, no trackers): email, WhatsApp, Telegram, X, Facebook."""
    url = petition.get_full_url(request)
    text = petition.share_text or petition.title
    message = f"{text} {url}"
    return [
        {
            "name": _("Email"),
            "url": "mailto:?" + urlencode({"subject": petition.title, "body": message}, quote_via=quote),
        },
        {"name": "WhatsApp", "url": "https://wa.me/?" + urlencode({"text": message}, quote_via=quote)},
        {
            "name": "Telegram",
            "url": "https://t.me/share/url?" + urlencode({"url": url, "text": text}, quote_via=quote),
        },
        {
            "name": "X",
            "url": "https://x.com/intent/post?" + urlencode({"text": text, "url": url}, quote_via=quote),
        },
        {
            "name": "Facebook",
            "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote),
        },
    ]


def thanks_view(request, petition, partner=""):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    section = SectionSettings.for_request(request)
    return petition.render(
        request,
        template="petitions/petition_embed_thanks.html" if partner else "petitions/petition_page_thanks.html",
        context_overrides={
            "share_links": share_links(petition, request),
            # A signature sent without JavaScript must be confirmed by email even where others need not.
            "double_opt_in": section.double_opt_in or request.GET.get("confirm") == "email",
            "count": petition.signature_count,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link in the confirmation email opens a page with one button; only its POST counts the signature.

    Mail providers' link scanners fetch every link in a message: a GET must not sign for anyone.
    Confirming again, or twice at once, counts once.
    """
    try:
        signature_id = signature_id_from_token(token)
    except signing.SignatureExpired:
        return invalid_link(request, expired=True)
    except (signing.BadSignature, ValueError):
        return invalid_link(request)
    site = Site.find_for_request(request)
    signature = Signature.objects.filter(pk=signature_id, site=site).first()
    if signature is None:
        return invalid_link(request)
    petition = PetitionPage.objects.live().filter(translation_key=signature.petition_key)
    petition = petition.filter(locale__language_code=signature.language).first() or petition.first()
    if request.method == "POST":
        confirm_signature(signature)
    elif signature.state != SignatureState.CONFIRMED:
        return render(request, "petitions/confirm.html", {"petition": petition})
    context = {
        "petition": petition,
        "share_links": share_links(petition, request) if petition else [],
        "count": petition.signature_count if petition else None,
    }
    return render(request, "petitions/confirmation.html", context)


def invalid_link(request, expired=False):
    return render(request, "petitions/invalid_link.html", {"expired": expired}, status=400)
