"""The pages where a monthly donor manages their gifts: ask for a link, open it once, change, update the card or
the direct debit's account, or cancel."""

import logging
import re
from functools import partial

import stripe
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.models import Site

from plaidoyer.csp import allow_stripe
from sections.models import SectionSettings
from supporters.captcha import captcha_missing
from supporters.models import Supporter
from supporters.network import client_ip
from supporters.ratelimit import allow, hit, too_many_requests

from . import manage, payments
from .emails import send_manage_link
from .forms import ChangeAccountForm, ChangeAmountForm, ManageLinkRequestForm, new_idempotency_key
from .methods import mandate_text
from .models import DonationMethod

logger = logging.getLogger(__name__)

# How often one connection may ask for a link, and how many links one address receives (a stranger
# typing someone's address cannot flood their mailbox). Without the proof of work, fewer.
REQUEST_LIMITS = [("ip", 10, 3600)]
NO_SCRIPT_LIMITS = [("ip", 3, 3600)]
LINKS_PER_EMAIL = (3, 3600)
DONE_KEY = "donations:manage:done"
# The SetupIntent this session made for each gift's new card: only that one may become the gift's card, once.
CARD_SETUPS_KEY = "donations:manage:card-setups"
# The attempts of the account forms this session carried out: each changes the account once.
ACCOUNTS_DONE_KEY = "donations:manage:accounts-done"

ATTEMPT = re.compile(r"[0-9a-f]{32}")
UNREACHABLE = gettext_lazy(
    "The payment service could not be reached. Nothing was changed; please try again in a few minutes."
)

REFUSED = {
    "invalid": (400, gettext_lazy("This link is not valid. Please ask for a new one.")),
    "expired": (410, gettext_lazy("This link has expired. Please ask for a new one.")),
    "used": (410, gettext_lazy("This link was already used. Please ask for a new one.")),
}


def _render(request, template, context, status=200):
    response = TemplateResponse(request, template, context, status=status)
    # A donor's gifts, or a link that opens them: never kept by a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def request_url(page, request):
    return page.get_url(request) + page.reverse_subpage("manage_request")


def request_link_view(page, request):
    """The "manage my monthly gift" form: the same answer whether or not the address has a monthly gift."""
    site = Site.find_for_request(request)
    section = SectionSettings.for_request(request)
    context = page.get_context(request)
    missing = captcha_missing(section)
    if missing is not None:
        context.update({"form": None, "captcha_missing": missing})
        return _render(
            request, "donations/manage_request.html", context, 503 if request.method == "POST" else 200
        )
    if request.method != "POST":
        context["form"] = ManageLinkRequestForm(section=section)
        return _render(request, "donations/manage_request.html", context)
    if not allow(request, "donations:manage-link", REQUEST_LIMITS):
        return too_many_requests(request)
    form = ManageLinkRequestForm(request.POST, section=section)
    if not form.is_valid():
        context["form"] = form
        return _render(request, "donations/manage_request.html", context, status=400)
    if form.without_proof_of_work and not allow(request, "donations:manage-link-noscript", NO_SCRIPT_LIMITS):
        return too_many_requests(request)
    send_link_if_donor(page, site, form.cleaned_data["email"])
    context.update({"form": None, "sent": True})
    return _render(request, "donations/manage_request.html", context)


def send_link_if_donor(page, site, email):
    """Email a one-hour link when this address gives monthly in this section; nothing otherwise."""
    supporter = Supporter.with_email(site.pk, email).first()
    if supporter is None or supporter.erased_at or not manage.has_ongoing_gift(site, supporter.pk):
        return False
    if not hit(f"donations:manage-link-email:{supporter.email_hash}", *LINKS_PER_EMAIL):
        return False
    link = manage.new_link(site, supporter.pk, manage.REQUESTED_LINK_SECONDS)
    transaction.on_commit(partial(send_manage_link.enqueue, link.pk, page.pk, get_language()))
    return True


def refused(page, request, reason):
    status, message = REFUSED[reason]
    context = page.get_context(request)
    context.update({"message": message, "request_url": request_url(page, request)})
    return _render(request, "donations/manage_refused.html", context, status=status)


def open_link_view(page, request, token):
    """The emailed link: a page with one button, whose POST opens the gifts (mail scanners only GET)."""
    site = Site.find_for_request(request)
    try:
        link = manage.find_link(site, token)
        if request.method == "POST":
            manage.open_link(request, link)
            return redirect(page.get_url(request) + page.reverse_subpage("manage_gifts"), permanent=False)
    except manage.LinkRefused as error:
        return refused(page, request, error.reason)
    return _render(request, "donations/manage_open.html", page.get_context(request))


def gifts_view(page, request):
    """The donor's monthly gifts in this section, each with its change, card and cancel forms."""
    site = Site.find_for_request(request)
    section = SectionSettings.for_site(site)
    supporter_id = manage.session_supporter(request, site)
    if supporter_id is None:
        context = page.get_context(request)
        context.update(
            {
                "message": _("Your session has ended. Please ask for a new link."),
                "request_url": request_url(page, request),
            }
        )
        return _render(request, "donations/manage_refused.html", context, status=403)
    gifts = list(manage.monthly_gifts(site, supporter_id).select_related("page"))
    forms = {gift.pk: ChangeAmountForm(donation=gift) for gift in gifts}
    account_forms = {gift.pk: ChangeAccountForm(donation=gift) for gift in gifts}
    errors = {}
    status = 200
    if request.method == "POST":
        gift = next((g for g in gifts if str(g.pk) == request.POST.get("gift", "")), None)
        if gift is None:
            status = 404
            errors[None] = _("This gift cannot be found. Please reload the page.")
        elif request.POST.get("action") == "card_setup":
            return card_setup(request, section, gift)
        else:
            status, done = apply(request, section, gift, forms, errors, account_forms)
            if done:
                request.session[DONE_KEY] = done
                return redirect(request.path)
    context = page.get_context(request)
    context.update(
        {
            "gifts": [
                {
                    "donation": gift,
                    "ongoing": gift.status in manage.ONGOING,
                    # Keyed on the payments, not the gift's status: a month's direct debit under way has not failed.
                    "last_payment_failed": manage.last_payment_failed(gift),
                    "form": forms[gift.pk],
                    # A direct debit's new account: the IBAN under the mandate, which the donor accepts by sending it.
                    "account_form": account_forms[gift.pk]
                    if gift.method == DonationMethod.SEPA_DEBIT
                    else None,
                    "error": errors.get(gift.pk, ""),
                    # A card's error is said next to the card field; the others above the gift's forms.
                    "card_error": request.POST.get("action") == "card",
                }
                for gift in gifts
            ],
            "error": errors.get(None, ""),
            "done": request.session.pop(DONE_KEY, ""),
            "section": section,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "language": get_language(),
            "card_attempt": new_idempotency_key(),
            "mandate_text": mandate_text(section, get_language()),
        }
    )
    response = allow_stripe(_render(request, "donations/manage_gifts.html", context, status=status))
    if status == 429:
        response["Retry-After"] = "60"
    return response


def apply(request, section, gift, forms, errors, account_forms):
    """Carry out one posted action on `gift`: (status, message for the next page or "")."""
    action = request.POST.get("action", "")
    if gift.status not in manage.ONGOING:
        errors[gift.pk] = _("This monthly gift is cancelled already.")
        return 409, ""
    try:
        if action == "cancel":
            try:
                payments.cancel(section, gift)
            except payments.SubscriptionEnded:
                pass
            return 200, _(
                "Your monthly gift of %(amount)s is cancelled: no further payment will be taken. Thank you for your support."
            ) % {"amount": gift.display_amount}
        if action == "change":
            form = ChangeAmountForm(request.POST, donation=gift)
            forms[gift.pk] = form
            if not form.is_valid():
                return 400, ""
            amount = form.cleaned_data["amount"]
            payments.change_amount(section, gift, amount, form.cleaned_data["attempt"])
            # Stripe has moved the subscription: the gift's amount follows (the payments record what is charged).
            gift.amount = amount
            # The webhook of this change agrees; one older than it must not bring the old amount back.
            gift.plan_event_at = timezone.now()
            gift.save(update_fields=["amount", "plan_event_at"])
            return 200, _("From next month on, your monthly gift is %(amount)s. Thank you!") % {
                "amount": gift.display_amount
            }
        if action == "card":
            return use_card_setup(request, section, gift, errors)
        if action == "account" and gift.method == DonationMethod.SEPA_DEBIT:
            form = ChangeAccountForm(request.POST, donation=gift)
            account_forms[gift.pk] = form
            if not form.is_valid():
                return 400, ""
            return replace_account(request, section, gift, form)
    except payments.SubscriptionEnded:
        errors[gift.pk] = _("This monthly gift is cancelled already.")
        return 409, ""
    except payments.AccountRefused as refused:
        account_forms[gift.pk].add_error("iban", str(refused.message))
        return refused.status, ""
    except payments.PaymentDeclined as declined:
        errors[gift.pk] = str(declined.message)
        return declined.status, ""
    except stripe.StripeError:
        logger.exception("Stripe could not be reached or failed for monthly gift %s", gift.pk)
        errors[gift.pk] = UNREACHABLE
        # Not a 5xx: nothing failed here, the donor may try again later (as a donation does then).
        return 429, ""
    errors[gift.pk] = _("Choose what you want to do with this gift.")
    return 400, ""


def card_setup(request, section, gift):
    """The page's script asks for a SetupIntent for the gift's new card: its client secret, as JSON."""
    attempt = request.POST.get("attempt", "")
    if not ATTEMPT.fullmatch(attempt):
        return JsonResponse({"error": _("Please reload the page and enter your card again.")}, status=400)
    if gift.status not in manage.ONGOING:
        return JsonResponse({"error": _("This monthly gift is cancelled already.")}, status=409)
    try:
        intent = payments.start_card_setup(section, gift, attempt)
    except stripe.StripeError:
        logger.exception("Stripe could not make a SetupIntent for monthly gift %s", gift.pk)
        return JsonResponse({"error": str(UNREACHABLE)}, status=429, headers={"Retry-After": "60"})
    setups = request.session.get(CARD_SETUPS_KEY, {})
    setups[str(gift.pk)] = intent.id
    request.session[CARD_SETUPS_KEY] = setups
    return JsonResponse({"client_secret": intent.client_secret})


def use_card_setup(request, section, gift, errors):
    """The card the page confirmed with the gift's SetupIntent becomes its card: (status, message)."""
    setup_intent = request.POST.get("setup_intent", "")
    if not setup_intent:
        errors[gift.pk] = _("Please enter your card details.")
        return 400, ""
    setups = request.session.get(CARD_SETUPS_KEY, {})
    if setups.get(str(gift.pk)) != setup_intent:
        # Not the SetupIntent this session made for this gift, or one already used (a replayed post).
        errors[gift.pk] = str(payments.CARD_SETUP_UNKNOWN)
        return 409, ""
    payments.use_card_setup(section, gift, setup_intent)
    del setups[str(gift.pk)]
    request.session[CARD_SETUPS_KEY] = setups
    return 200, _("Your new card will be used for your next monthly payments.")


def replace_account(request, section, gift, form):
    """A monthly direct debit moves to the account of the form's IBAN, under the mandate shown: (status, message)."""
    attempt = form.cleaned_data["attempt"]
    done = request.session.get(ACCOUNTS_DONE_KEY, [])
    if attempt in done:
        # The same form posted again (a reload, a replay): the account it named was set once already.
        form.add_error("iban", _("This form was already sent. Nothing was changed; please reload the page."))
        return 409, ""
    payer = payments.Payer(
        iban=form.cleaned_data["iban"],
        # Stripe keeps these with the mandate, as SEPA rules require; we keep neither.
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:500],
    )
    payments.replace_account(section, gift, payer, attempt)
    gift.mandate_text = mandate_text(section, get_language())
    gift.mandate_accepted_at = timezone.now()
    gift.save(update_fields=["mandate_text", "mandate_accepted_at"])
    request.session[ACCOUNTS_DONE_KEY] = [*done, attempt][-20:]
    return 200, _("Your new account will be debited for your next monthly payments.")
