"""Links that let a monthly donor manage their gifts: made for one donor and section, opened once, for one session."""

import datetime
from urllib.parse import urlencode

from django.core import signing
from django.db import transaction
from django.utils import timezone, translation

from supporters.confirmation import ConfirmationLink

from .models import Donation, DonationPage, DonationStatus, Frequency, ManageLink, PaymentStatus

# A link asked for on the "manage my monthly gift" form is for now: an hour. A link in a receipt or a
# failed-payment notice is read later: a week. Either is opened once, and its session lasts an hour.
REQUESTED_LINK_SECONDS = 3600
EMAILED_LINK_SECONDS = 7 * 24 * 3600
SESSION_SECONDS = 3600
SESSION_KEY = "donations:manage"

LINK = ConfirmationLink("donations.manage", max_age=EMAILED_LINK_SECONDS)

# Gifts that still take money every month (a failed month is retried by Stripe).
ONGOING = (DonationStatus.PENDING, DonationStatus.SUCCEEDED, DonationStatus.FAILED)


class LinkRefused(Exception):
    """The link cannot open the gifts: `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def monthly_gifts(site, supporter_id):
    """The donor's monthly gifts in this section, newest first."""
    return Donation.objects.filter(site=site, supporter_id=supporter_id, frequency=Frequency.MONTHLY).exclude(
        stripe_subscription_id=""
    )


def last_payment_failed(gift):
    """Whether the gift's latest payment failed, as Stripe last said: not while a debit is still under way
    (SEPA takes days), nor once a later month is paid."""
    latest = gift.payments.order_by("-status_event_at", "-pk").first()
    return latest is not None and latest.status == PaymentStatus.FAILED


def has_ongoing_gift(site, supporter_id):
    return monthly_gifts(site, supporter_id).filter(status__in=ONGOING).exists()


def new_link(site, supporter_id, seconds):
    now = timezone.now()
    # The donor's links older than any token's signature go: their tokens say "expired" by themselves.
    ManageLink.objects.filter(
        supporter_id=supporter_id, created_at__lt=now - datetime.timedelta(seconds=EMAILED_LINK_SECONDS)
    ).delete()
    return ManageLink.objects.create(
        site=site, supporter_id=supporter_id, expires_at=now + datetime.timedelta(seconds=seconds)
    )


def page_in(site, language, page=None):
    """The donation page that hosts the manage routes, in `language` when it is translated into it."""
    pages = DonationPage.objects.live().filter(path__startswith=site.root_page.path)
    if page is not None:
        pages = pages.filter(translation_key=page.translation_key)
    return (
        pages.filter(locale__language_code=language).order_by("path").first()
        or (page if page is not None and page.live else None)
        or pages.order_by("path").first()
    )


def link_url(link, page, language):
    """The absolute URL of a link, on `page` in `language` (the token names only the link's id)."""
    with translation.override(language):
        route = page.reverse_subpage("manage_open")
        return page.get_full_url() + route + "?" + urlencode({"token": LINK.token(link.pk)})


def emailed_link_url(donation):
    """A fresh week-long link to the donor's gifts, for an email about `donation`, in the donor's language;
    "" when the section has no live donation page to open it on."""
    page = page_in(donation.site, donation.language, donation.page)
    if page is None:
        return ""
    link = new_link(donation.site, donation.supporter_id, EMAILED_LINK_SECONDS)
    return link_url(link, page, donation.language)


def find_link(site, token):
    """The link a token names in this section, if it can still be opened; else LinkRefused."""
    try:
        link_id = LINK.row_id(token)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except (signing.BadSignature, ValueError):
        raise LinkRefused("invalid") from None
    link = ManageLink.objects.select_related("supporter").filter(pk=link_id, site=site).first()
    if link is None or link.supporter.erased_at is not None:
        raise LinkRefused("invalid")
    if link.opened_at is not None:
        raise LinkRefused("used")
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return link


def open_link(request, link):
    """Mark the link opened (once, even for two clicks at once) and start the donor's session."""
    now = timezone.now()
    with transaction.atomic():
        opened = ManageLink.objects.filter(pk=link.pk, opened_at__isnull=True, expires_at__gt=now).update(
            opened_at=now
        )
    if not opened:
        raise LinkRefused("used")
    # A new session key: whoever held the session before does not inherit the donor's access.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "site": link.site_id,
        "supporter": link.supporter_id,
        "until": (now + datetime.timedelta(seconds=SESSION_SECONDS)).timestamp(),
    }


def session_supporter(request, site):
    """The supporter whose gifts this session may manage in this section, or None."""
    data = request.session.get(SESSION_KEY)
    if not data or data.get("site") != site.pk:
        return None
    if data.get("until", 0) < timezone.now().timestamp():
        del request.session[SESSION_KEY]
        return None
    return data["supporter"]
