"""Mobile money in Togo (T-Money, Flooz) through PayGate Global: the form's fields, the payment request, and
the notifications that settle a gift.

PayGate Global (paygateglobal.com) pushes a payment request to the donor's phone on the network we name
(`POST /api/v1/pay`); the donor confirms it there with their PIN, and PayGate then posts to our
notification URL. That notification is not signed, so its body is never trusted: it only tells us which
`identifier` to look at, and the state comes from PayGate's own status API (`POST /api/v2/status`) asked
with the section's key. Each verified state is applied once (`MobileMoneyNotification`), a success is final,
and a notification for an identifier that is not a mobile-money gift of this section changes nothing.
Our `identifier` is the donation's idempotency key, so the same attempt posted twice is one request at
PayGate (which refuses a duplicate identifier).
"""

import json
import logging

import phonenumbers
import requests
from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sections.models import SectionSettings
from sections.secrets import section_secret

from .models import (
    Donation,
    DonationMethod,
    DonationStatus,
    Frequency,
    MobileMoneyNotification,
    MobileMoneyPayment,
    MobileNetwork,
    PaymentStatus,
)
from .payments import Started

logger = logging.getLogger(__name__)

CURRENCY = "XOF"  # PayGate takes francs CFA only
HTTP_TIMEOUT_SECONDS = 20

# Togo's mobile numbers (8 digits after +228) by their first two digits (ARCEP Togo's numbering plan).
NETWORK_PREFIXES = {
    MobileNetwork.TMONEY: ("70", "71", "72", "73", "90", "91", "92", "93"),
    MobileNetwork.FLOOZ: ("78", "79", "96", "97", "98", "99"),
}

# PayGate's codes. Registering a request (v1/pay):
REQUEST_REGISTERED, REQUEST_BAD_TOKEN, REQUEST_BAD_PARAMETERS, REQUEST_DUPLICATE = 0, 2, 4, 6
# A payment's state (v2/status):
PAID, PENDING, EXPIRED, CANCELLED = 0, 2, 4, 6
STATUSES = {
    PAID: DonationStatus.SUCCEEDED,
    EXPIRED: DonationStatus.FAILED,
    CANCELLED: DonationStatus.CANCELLED,
}


class Refused(Exception):
    """PayGate refused the request for this number: nothing was asked of the donor."""

    status = 400
    field = "mobile_phone"

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Unreachable(Exception):
    """PayGate could not be reached, or answered something that is not its API's shape."""


def offered(section):
    """Whether the section's donation form offers mobile money: switched on, in XOF, with its key."""
    return bool(
        section.mobile_money
        and section.currency == CURRENCY
        and section_secret("PAYGATE_API_KEY", section.code or "")
    )


# --- The form's fields (donations.forms.DonationForm) -------------------------------------------


def add_fields(form, section):
    """The network and the number, where the section offers mobile money (methods.offered lists it)."""
    if not offered(section):
        return
    form.fields["mobile_network"] = forms.ChoiceField(
        label=_("Network"),
        required=False,
        choices=MobileNetwork.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose T-Money or Flooz.")},
    )
    form.fields["mobile_phone"] = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        help_text=_("A Togolese number (+228), e.g. 90 12 34 56: you confirm the payment on this phone."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


def chosen(form):
    """Whether the (validated) form pays by mobile money."""
    return getattr(form, "cleaned_data", {}).get("method") == DonationMethod.MOBILE_MONEY


def clean(form):
    """Mobile money's own checks, each next to its field: one-off only, a network, a Togolese number of it."""
    if not chosen(form):
        return
    data = form.cleaned_data
    if data.get("frequency") == Frequency.MONTHLY:
        form.add_error(
            "frequency", _("Mobile money takes one-off gifts only: choose one-off, or pay by card.")
        )
    network = data.get("mobile_network")
    if not network:
        form.add_error("mobile_network", _("Choose T-Money or Flooz."))
    text = (data.get("mobile_phone") or "").strip()
    if not text:
        form.add_error("mobile_phone", _("Enter the mobile number that pays."))
        return
    message = phone_problem(text, network)
    if message:
        form.add_error("mobile_phone", message)
    else:
        data["mobile_phone"] = international(text)


def _parse(text):
    try:
        return phonenumbers.parse(text, "TG")
    except phonenumbers.NumberParseException:
        return None


def international(text):
    return phonenumbers.format_number(_parse(text), phonenumbers.PhoneNumberFormat.E164)


def network_of(number):
    national = str(number.national_number)
    for network, prefixes in NETWORK_PREFIXES.items():
        if len(national) == 8 and national.startswith(prefixes):
            return network
    return None


def phone_problem(text, network):
    """What is wrong with `text` as the number of a `network` wallet in Togo, or None."""
    number = _parse(text)
    if number is None or not phonenumbers.is_possible_number(number):
        return _("Enter a Togolese mobile number, for example 90 12 34 56.")
    if phonenumbers.region_code_for_number(number) != "TG":
        return _("This number is not Togolese: mobile money here takes numbers starting with +228.")
    actual = network_of(number) if phonenumbers.is_valid_number(number) else None
    if actual is None:
        return _("This is not a Togolese mobile number: enter a T-Money or Flooz number, e.g. 90 12 34 56.")
    if network and actual != network:
        if actual == MobileNetwork.FLOOZ:
            return _("This is a Flooz (Moov Africa) number: choose Flooz, or enter a T-Money number.")
        return _("This is a T-Money (Togocel) number: choose T-Money, or enter a Flooz number.")
    return None


# --- PayGate's API ------------------------------------------------------------------------------


def _call(section, path, payload):
    """POST `payload` with the section's key to PayGate; its JSON answer (a dict), or Unreachable."""
    body = {"auth_token": section_secret("PAYGATE_API_KEY", section.code), **payload}
    try:
        response = requests.post(
            f"{settings.PAYGATE_API_BASE.rstrip('/')}{path}", json=body, timeout=HTTP_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        raise Unreachable(f"PayGate {path}: {error}") from error
    if not isinstance(answer, dict) or not isinstance(answer.get("status"), int):
        raise Unreachable(f"PayGate {path}: unexpected answer")
    return answer


# What the donation view answers once the request is on the donor's phone: the thank-you page.
ON_THE_PHONE = Started(status="mobile_money")


def start(section, donation, form):
    """Ask PayGate to send the payment request to the donor's phone; inside the donation's transaction,
    so that a refused request leaves nothing behind."""
    data = form.cleaned_data
    row = MobileMoneyPayment.objects.create(
        donation=donation, network=data["mobile_network"], phone_number=data["mobile_phone"]
    )
    answer = _call(
        section,
        "/api/v1/pay",
        {
            "phone_number": row.phone_number,
            "amount": donation.amount,  # XOF has no minor unit: the amount is in francs
            "description": str(donation.designation or section.name)[:100],
            "identifier": donation.idempotency_key,
            "network": row.network,
        },
    )
    code = answer["status"]
    if code == REQUEST_BAD_PARAMETERS:
        raise Refused(_("PayGate refused this number for mobile money. Check it, or pay by card."))
    if code not in (REQUEST_REGISTERED, REQUEST_DUPLICATE):
        # A wrong key (2) is the section's configuration, not the donor's doing.
        raise Unreachable(f"PayGate refused the request with status {code}")
    row.tx_reference = str(answer.get("tx_reference") or "")
    row.save(update_fields=["tx_reference"])
    return ON_THE_PHONE


def resumed(donation):
    """The same attempt posted again: its request is on the donor's phone already."""
    return ON_THE_PHONE


# --- Notifications ------------------------------------------------------------------------------


def _text(message, status):
    return HttpResponse(message, status=status, content_type="text/plain")


def _identifier(request):
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except ValueError:
            return ""
        return str(body.get("identifier") or "") if isinstance(body, dict) else ""
    return request.POST.get("identifier", "")


@csrf_exempt
@require_POST
def notification(request, code):
    """PayGate's callback for one section: only its `identifier` is read, the state is asked of PayGate."""
    section = SectionSettings.objects.filter(code=code).select_related("site").first()
    if section is None:
        return _text("Unknown section.", 404)
    if not section_secret("PAYGATE_API_KEY", section.code):
        return _text("Mobile money is not configured for this section.", 503)
    identifier = _identifier(request)
    if not identifier:
        return _text("No identifier.", 400)
    # Only this section's mobile-money gifts: another section's identifier is unknown here.
    if not Donation.objects.filter(
        site=section.site, idempotency_key=identifier, mobile_money__isnull=False
    ).exists():
        return _text("Unknown identifier for this section.", 404)
    try:
        answer = _call(section, "/api/v2/status", {"identifier": identifier})
    except Unreachable:
        logger.exception("PayGate's status API failed for section %s", section.code)
        return _text("Could not verify the payment, retry later.", 502)
    return _text(*apply(section, identifier, answer))


def _paid_at(answer, section):
    """When PayGate says the payment happened (its local time, the section's), else now."""
    moment = parse_datetime(str(answer.get("datetime") or ""))
    if moment is None:
        return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, section.zone)
    return moment


def apply(section, identifier, answer):
    """Apply PayGate's verified answer about `identifier`: (text, HTTP status) for the response."""
    from .webhooks import record_payment, set_status

    code = answer["status"]
    if str(answer.get("identifier", identifier)) != identifier:
        return "PayGate answered about another payment.", 400
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(site=section.site, idempotency_key=identifier)
        row = donation.mobile_money
        if (
            row.tx_reference
            and answer.get("tx_reference")
            and str(answer["tx_reference"]) != row.tx_reference
        ):
            return "PayGate answered about another transaction.", 400
        try:
            with transaction.atomic():
                MobileMoneyNotification.objects.create(site=section.site, identifier=identifier, status=code)
        except IntegrityError:
            return "already processed", 200
        if code == PENDING:
            return "still pending", 200
        status = STATUSES.get(code)
        if status is None:
            return f"unknown status {code}", 400
        if donation.status != DonationStatus.PENDING:
            # A success is final; an expiry or cancellation reported after it (or again) changes nothing.
            return f"ignored: the gift is {donation.status} already", 200
        at = _paid_at(answer, section)
        if status == DonationStatus.SUCCEEDED:
            row.payment_reference = str(answer.get("payment_reference") or "")[:100]
            row.tx_reference = row.tx_reference or str(answer.get("tx_reference") or "")[:100]
            row.save(update_fields=["payment_reference", "tx_reference"])
            # The receipt email follows this transaction's commit (webhooks.record_payment).
            record_payment(donation, at, PaymentStatus.SUCCEEDED, donation.amount, donation.currency)
        set_status(donation, status, at)
        return f"donation {status}", 200
