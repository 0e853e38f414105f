"""The donation page (form and payment start), its thank-you page, and the per-section Stripe webhook."""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Site

from plaidoyer.csp import allow_stripe
from sections.models import SectionSettings
from sections.secrets import section_secret
from supporters.actions import record_action
from supporters.captcha import captcha_missing
from supporters.emails import canonical_email
from supporters.models import ConsentRecord
from supporters.network import client_ip, hash_ip, request_ip_hash
from supporters.ratelimit import Unavailable, allow, too_many_requests

from . import methods, mobile_money, money, monthly_offer, payments, webhooks
from .forms import (
    CARD_UNAVAILABLE,
    CHANGED_SINCE_FIRST_TRY,
    LIMITS_UNAVAILABLE,
    DonationForm,
    new_idempotency_key,
)
from .models import FIXED_DESIGNATIONS, Donation, DonationMethod

logger = logging.getLogger(__name__)

SESSION_KEY = "donations:last"


def wants_json(request):
    return request.headers.get("Accept", "").startswith("application/json")


def page_context(page, request, section, form, **extra):
    context = page.get_context(request)
    reasons = methods.unavailable_reasons(section)
    user = getattr(request, "user", None)
    can_edit = bool(user and user.is_authenticated and page.permissions_for_user(user).can_edit())
    currency = section.currency
    amounts = {frequency: [] for frequency in page.frequencies}
    for preset in page.amounts.all():
        if preset.frequency in amounts:
            minor = money.to_minor(preset.amount, currency)
            amounts[preset.frequency].append(
                {
                    "value": preset.amount,
                    "label": money.format_amount(minor, currency),
                    "impact": preset.impact,
                    "after_deduction": money.format_amount(
                        money.after_deduction(minor, section.tax_deduction_rate), currency
                    )
                    if section.tax_deduction_rate
                    else "",
                }
            )
    context.update(
        {
            "form": form,
            "section": section,
            "unavailable": bool(reasons),
            "unavailable_reasons": reasons if (can_edit or getattr(request, "is_preview", False)) else [],
            "presets": amounts,
            "currency": currency,
            "minimum": money.format_amount(page.bounds(currency)[0], currency),
            "maximum": money.format_amount(page.bounds(currency)[1], currency),
            "tax_deduction_rate": section.tax_deduction_rate,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "card_unavailable": CARD_UNAVAILABLE,
            "language": get_language(),
            "designation": fixed_designation(form) or page.designation_text(),
            "thanks_url": page.get_url(request) + page.reverse_subpage("thanks"),
            "manage_url": page.get_url(request) + page.reverse_subpage("manage_request"),
        }
    )
    context.update(extra)
    return context


def fixed_designation(form):
    """The label of the fixed designation (e.g. a membership fee) the form carries, if any."""
    if form is None:
        return ""
    code = form["designation"].value()
    return FIXED_DESIGNATIONS.get(code, "")


def render_page(page, request, section, form, status=200, **extra):
    response = TemplateResponse(
        request,
        "donations/donation_page.html",
        page_context(page, request, section, form, **extra),
        status=status,
    )
    # The one page whose policy lets Stripe in: Stripe.js, its card frames and its API.
    return allow_stripe(response, redirects=DonationMethod.TWINT in methods.offered(section))


def donation_page_view(page, request):
    site = Site.find_for_request(request)
    section = SectionSettings.for_request(request)
    reasons = methods.unavailable_reasons(section)
    missing = captcha_missing(section)
    if missing is not None:
        # Production without reCAPTCHA keys: refuse rather than take unprotected payments.
        status = 503 if request.method == "POST" else 200
        return render_page(page, request, section, None, status=status, captcha_missing=missing)
    if request.method != "POST":
        form = DonationForm(page=page, section=section, query=request.GET)
        return render_page(page, request, section, form)
    return submit(page, request, site, section, reasons)


def invalid(page, request, section, form, status=400):
    if wants_json(request):
        return JsonResponse(
            {"status": "invalid", "errors": form.errors.get_json_data(), "retry_key": new_idempotency_key()},
            status=status,
        )
    data = form.data.copy()
    data["idempotency_key"] = new_idempotency_key()
    data["payment_method"] = ""  # the page makes a new PaymentMethod for the next attempt
    form.data = data
    return render_page(page, request, section, form, status=status)


def submit(page, request, site, section, reasons):
    if reasons:
        return render_page(page, request, section, DonationForm(page=page, section=section), status=503)
    form = DonationForm(request.POST, page=page, section=section)
    try:
        return limited_submit(page, request, site, section, form)
    except Unavailable:
        # Redis is unreachable: without rate limits card testers could try cards freely, so no payment
        # starts until it answers again (README, "Health and faults"). A 4xx, not a 5xx: the site works.
        form.add_error(None, LIMITS_UNAVAILABLE)
        response = invalid(page, request, section, form, status=429)
        response["Retry-After"] = "60"
        return response


def limited_submit(page, request, site, section, form):
    # Card-testing defence (settings.DONATION_RATE_LIMITS): posts per address, payment attempts per
    # address and per email address.
    limits = settings.DONATION_RATE_LIMITS
    if not allow(request, "donations:submit", [("ip", *limits["submit"])], fail_closed=True):
        if wants_json(request):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            return JsonResponse(
                {
                    "status": "invalid",
                    "errors": form.errors.get_json_data(),
                    "retry_key": new_idempotency_key(),
                },
                status=429,
            )
        return too_many_requests(request)
    valid = form.is_valid()
    if not form.require_card() or not valid:
        return invalid(page, request, section, form)
    data = form.cleaned_data
    email_key = hash_ip(canonical_email(data["email"]))
    existing = Donation.objects.filter(idempotency_key=data["idempotency_key"]).first()
    if existing is None and not allow(
        request,
        "donations:attempt",
        [("ip", *limits["attempts_ip"]), (f"email:{email_key}", *limits["attempts_email"])],
        fail_closed=True,
    ):
        form.add_error(None, _("Too many payment attempts. Please wait an hour before trying again."))
        return invalid(page, request, section, form, status=429)
    if existing is not None:
        return resume(page, request, section, form, existing)
    try:
        with transaction.atomic():
            donation, started = create_donation(page, request, site, section, form)
    except IntegrityError:
        # A twin of this attempt stored at the same moment for another supporter (another address):
        # only the idempotency key's unique constraint saw it.
        existing = Donation.objects.filter(idempotency_key=data["idempotency_key"]).first()
        if existing is None:
            raise
        return resume(page, request, section, form, existing)
    except (payments.PaymentDeclined, mobile_money.Refused) as declined:
        form.add_error(declined.field, declined.message)
        return invalid(page, request, section, form, status=declined.status)
    except mobile_money.Unreachable:
        logger.exception("PayGate could not be reached or failed a donation for section %s", section.code)
        form.add_error(
            "mobile_phone",
            _("The mobile-money service could not be reached. Nothing was charged; please try again later."),
        )
        return provider_unavailable(page, request, section, form)
    except stripe.IdempotencyError:
        # This attempt's key reached Stripe before with other details (the amount changed after a lost
        # answer): Stripe refuses to take it as the same payment. Not an outage: the page says so.
        logger.warning("Stripe refused a reused attempt key with other details, section %s", section.code)
        form.add_error(None, CHANGED_SINCE_FIRST_TRY)
        return invalid(page, request, section, form, status=409)
    except stripe.StripeError:
        logger.exception("Stripe could not be reached or failed a donation for section %s", section.code)
        form.add_error(
            stripe_field(form),
            _(
                "The payment service could not be reached. Please try again in a few minutes: trying again never charges twice."
            ),
        )
        return provider_unavailable(page, request, section, form)
    if donation is None:
        # The same attempt submitted twice at once: the first one created the donation.
        return resume(
            page, request, section, form, Donation.objects.get(idempotency_key=data["idempotency_key"])
        )
    return started_response(page, request, donation, started)


def provider_unavailable(page, request, section, form):
    """Stripe or PayGate failed or did not answer (down, unreachable, or slower than its timeout on each try).

    The form comes back with what the visitor typed and the error next to the card field; nothing of the
    attempt was kept (its transaction rolled back). 429 with Retry-After, as when Redis is down (see
    `submit`): the site works, the visitor is to try again in a minute; never a 5xx.
    """
    response = invalid(page, request, section, form, status=429)
    response["Retry-After"] = "60"
    return response


def stripe_field(form):
    """Where a message about the payment goes: next to the card field, the IBAN, or the choice of method."""
    method = form.cleaned_data.get("method")
    return {DonationMethod.SEPA_DEBIT: "iban", DonationMethod.TWINT: "method"}.get(method, "payment_method")


def create_donation(page, request, site, section, form):
    """Write the donation, its supporter and the consents its form showed, and start the payment: all or nothing.

    Returns the donation and the payment started, or (None, None) when a twin of this attempt (the
    same idempotency key) was recorded first: then nothing is written and Stripe is not called.
    """
    data = form.cleaned_data
    language = get_language()
    donation = Donation(
        site=site,
        language=language,
        ip_hash=request_ip_hash(request),
        page=page,
        frequency=data["frequency"],
        amount=data["amount"],
        currency=section.currency,
        method=data["method"],
        designation=data.get("designation") or page.designation_text(),
        idempotency_key=data["idempotency_key"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        address_line=data.get("address_line", ""),
        postal_code=data.get("postal_code", ""),
        city=data.get("city", ""),
        country=data.get("country", ""),
        newsletter=bool(data.get("newsletter")),
    )
    if donation.method == DonationMethod.SEPA_DEBIT:
        donation.mandate_text = form.mandate_text
        donation.mandate_accepted_at = timezone.now()
    consents = ConsentRecord.asked(
        site,
        language,
        form.consent_wording,
        newsletter_wording=form.newsletter_wording,
        newsletter=data.get("newsletter"),
    )
    recorded = record_action(
        donation, consents, email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
    )
    if not recorded:
        return None, None
    # Stripe is called inside the caller's transaction: if it refuses the card, nothing of this attempt remains.
    if mobile_money.chosen(form):
        return donation, mobile_money.start(section, donation, form)
    payer = payments.Payer(
        payment_method=data["payment_method"],
        iban=data["iban"],
        return_url=request.build_absolute_uri(page.get_url(request) + page.reverse_subpage("thanks")),
    )
    if donation.method == DonationMethod.SEPA_DEBIT:
        # Stripe keeps these with the mandate, as SEPA rules require; we keep neither.
        payer.ip_address = client_ip(request)
        payer.user_agent = request.headers.get("User-Agent", "")[:500]
    started = payments.start(section, donation, payer)
    donation.save(update_fields=["stripe_customer_id", "stripe_payment_intent_id", "stripe_subscription_id"])
    return donation, started


def resume(page, request, section, form, donation):
    """A repeated submission of an attempt already made: answer as the first time, create nothing.

    Only the same attempt: the same person giving the same amount as often. Its key sent again with
    another amount or frequency (a form changed after it was sent, or replayed) would be thanked for a
    gift it did not make: it is refused, and the page gets a fresh key.
    """
    data = form.cleaned_data
    same_attempt = (
        donation.site_id == section.site_id
        and canonical_email(donation.email) == canonical_email(data["email"])
        and (donation.amount, donation.frequency) == (data["amount"], data["frequency"])
    )
    if not same_attempt:
        form.add_error(None, _("This form has expired. Please reload the page and try again."))
        return invalid(page, request, section, form, status=409)
    if hasattr(donation, "mobile_money"):
        return started_response(page, request, donation, mobile_money.resumed(donation))
    try:
        started = payments.resume(section, donation)
    except payments.PaymentDeclined as declined:
        form.add_error(declined.field, declined.message)
        return invalid(page, request, section, form, status=declined.status)
    except stripe.StripeError:
        logger.exception("Stripe could not say where donation %s stands", donation.pk)
        form.add_error(
            stripe_field(form),
            _("The payment service could not be reached. Please try again in a few minutes."),
        )
        return provider_unavailable(page, request, section, form)
    return started_response(page, request, donation, started)


def started_response(page, request, donation, started):
    request.session[SESSION_KEY] = donation.pk
    thanks_url = page.get_url(request) + page.reverse_subpage("thanks")
    if wants_json(request):
        return JsonResponse(
            {
                "status": started.status,
                "client_secret": started.client_secret,
                # TWINT's page, which sends the donor back to the thank-you page; else the thank-you page.
                "redirect": started.redirect_url or thanks_url,
                "retry_key": new_idempotency_key(),
            }
        )
    if started.redirect_url:
        return redirect(started.redirect_url)
    if started.needs_action:
        # Without the page's script there is no way to complete 3-D Secure here.
        section = SectionSettings.for_site(donation.site)
        return render_page(
            page, request, section, DonationForm(page=page, section=section), status=200, needs_script=True
        )
    return redirect(thanks_url)


def thanks_view(page, request):
    site = Site.find_for_request(request)
    section = SectionSettings.for_site(site)
    donation = None
    donation_id = request.session.get(SESSION_KEY)
    if donation_id:
        donation = Donation.objects.filter(pk=donation_id, site=site).first()
    if request.method == "POST":
        return give_monthly(page, request, section, donation)
    return render_thanks(page, request, section, donation)


def render_thanks(page, request, section, donation, offer_error="", status=200):
    monthly = offer = None
    if monthly_offer.may_offer(page, donation):
        monthly = monthly_offer.monthly_of(donation)
        offer = monthly is None and monthly_offer.card_allows(request, section, donation)
    context = page.get_context(request)
    # TWINT sends the donor back here with Stripe's word on the redirect; the status itself waits for the webhook.
    not_completed = request.GET.get("redirect_status") == "failed"
    context.update(
        {
            "donation": None if not_completed else donation,
            "not_completed": not_completed,
            "donate_url": page.get_url(request),
            "section": section,
            "monthly": monthly,
            "monthly_offer": offer and not not_completed,
            "offer_error": offer_error,
        }
    )
    if donation is not None and hasattr(donation, "mobile_money"):
        # Until PayGate confirms it, the donor has a payment request to confirm on their phone.
        context["mobile_money"] = donation.mobile_money
    response = TemplateResponse(request, "donations/donation_page_thanks.html", context, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


def give_monthly(page, request, section, donation):
    """The thank-you page's one click: this gift's amount every month, on the card just used."""
    if not monthly_offer.may_offer(page, donation):
        return render_thanks(
            page,
            request,
            section,
            donation,
            _("This offer is no longer available. Nothing was charged."),
            409,
        )
    try:
        monthly_offer.give_monthly(section, donation)
    except payments.PaymentDeclined as declined:
        return render_thanks(page, request, section, donation, declined.message, declined.status)
    except stripe.StripeError:
        logger.exception("Stripe failed a monthly gift from a thank-you page in section %s", section.code)
        # Not a 5xx: the donor may try again in a minute (as on the donation form, stripe_unavailable).
        return render_thanks(
            page,
            request,
            section,
            donation,
            _(
                "The payment service could not be reached. Please try again in a few minutes: trying again never charges twice."
            ),
            429,
        )
    return HttpResponseRedirect(page.get_url(request) + page.reverse_subpage("thanks"), status=303)


@csrf_exempt
@require_POST
def webhook(request, code):
    """Stripe's calls for one section: the signature is checked on the raw body with that section's secret."""
    section = SectionSettings.objects.filter(code=code).select_related("site").first()
    if section is None:
        return HttpResponse("Unknown section.", status=404, content_type="text/plain")
    secret = section_secret("STRIPE_WEBHOOK_SECRET", section.code)
    if not secret:
        return HttpResponse(
            "Webhooks are not configured for this section.", status=503, content_type="text/plain"
        )
    try:
        event = webhooks.verified_event(request.body, request.headers.get("Stripe-Signature", ""), secret)
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponse("Invalid signature.", status=400, content_type="text/plain")
    try:
        outcome = webhooks.handle(section, event)
    except webhooks.NotYetKnown:
        # Our own donation, not committed yet: Stripe delivers the event again later.
        return HttpResponse("Donation not recorded yet, retry later.", status=409, content_type="text/plain")
    except (KeyError, TypeError, ValueError):
        return HttpResponse("Malformed event.", status=400, content_type="text/plain")
    return HttpResponse(outcome, status=200, content_type="text/plain")
