"""Each section reads times in its own time zone: Lomé's in Togo, Zurich's in Switzerland, Paris's in France."""

import datetime

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from donations.emails import send_receipt
from donations.models import Donation, Payment
from sections.middleware import SectionLanguageMiddleware
from supporters.models import Supporter

pytestmark = pytest.mark.django_db

# 23:30 UTC on 1 December: still the 1st in Lomé (UTC+0), already the 2nd in Zurich and Paris (UTC+1).
LATE_ON_THE_FIRST = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)


def zone_seen_by_a_request_to(host):
    middleware = SectionLanguageMiddleware(lambda request: HttpResponse(timezone.get_current_timezone_name()))
    return middleware(RequestFactory().get("/fr/", HTTP_HOST=host)).content.decode()


def test_a_request_reads_its_sections_time_whatever_the_previous_request_read(sections):
    assert zone_seen_by_a_request_to("tg.localhost:8000") == "Africa/Lome"
    assert zone_seen_by_a_request_to("ch.localhost:8000") == "Europe/Zurich"
    assert zone_seen_by_a_request_to("fr.localhost:8000") == "Europe/Paris"
    assert zone_seen_by_a_request_to("tg.localhost:8000") == "Africa/Lome"


@pytest.mark.parametrize(("code", "day"), [("tg", "1er décembre 2026"), ("fr", "2 décembre 2026")])
def test_a_receipt_is_dated_in_its_sections_time_zone(sections, code, day):
    section = sections[code]
    donation = Donation.objects.create(
        site=section.site,
        supporter=Supporter.for_email(section.site, "ama@example.org", "Ama", "Mensah"),
        language="fr",
        frequency="one_off",
        amount=5000,
        currency=section.settings.currency,
        status="succeeded",
        idempotency_key=f"{code}-time-zone".ljust(32, "0"),
        first_name="Ama",
        last_name="Mensah",
        email="ama@example.org",
    )
    payment = Payment.objects.create(
        donation=donation,
        status="succeeded",
        amount=5000,
        currency=section.settings.currency,
        occurred_at=LATE_ON_THE_FIRST,
        status_event_at=LATE_ON_THE_FIRST,
    )
    send_receipt.call(payment.pk)
    (receipt,) = mail.outbox
    assert day in receipt.body
