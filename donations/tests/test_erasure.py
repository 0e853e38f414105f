"""Erasing a donor's personal data keeps the donation and its payments (the accounts), not who gave."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from wagtail.models import ModelLogEntry

from donations.models import Donation
from sections.audit import ERASE
from supporters.erasure import erase_supporter
from supporters.models import Supporter

pytestmark = pytest.mark.django_db


def a_donation(site):
    supporter = Supporter.for_email(site, "camille@example.fr", "Camille", "Martin")
    donation = Donation.objects.create(
        site=site,
        supporter=supporter,
        language="fr",
        ip_hash="abc",
        frequency="monthly",
        amount=1500,
        currency="EUR",
        status="succeeded",
        idempotency_key="c" * 32,
        first_name="Camille",
        last_name="Martin",
        email="camille@example.fr",
        address_line="76 boulevard de la Villette",
        postal_code="75019",
        city="Paris",
        country="France",
    )

    return donation


def test_erasure_blanks_the_donor_and_keeps_the_gift(sections):
    donation = a_donation(sections["fr"].site)

    erase_supporter(donation.supporter)

    donation.refresh_from_db()
    assert (donation.first_name, donation.last_name, donation.email, donation.ip_hash) == ("", "", "", "")
    assert (donation.address_line, donation.postal_code, donation.city, donation.country) == ("", "", "", "")
    assert (donation.amount, donation.currency, donation.status) == (1500, "EUR", "succeeded")


def test_the_sections_data_officer_erases_a_donor_from_the_admin(client, sections):
    donation = a_donation(sections["fr"].site)
    officer = User.objects.create_user("fr-officer", password="pw")
    officer.groups.set([sections["fr"].groups["data-officer"]])
    client.force_login(officer)
    assert (
        reverse("donation:erase", args=[donation.pk])
        in client.get(reverse("donation:inspect", args=[donation.pk])).content.decode()
    )

    client.post(reverse("donation:erase", args=[donation.pk]))

    donation.refresh_from_db()
    assert (donation.first_name, donation.email, donation.address_line) == ("", "", "")
    assert (donation.amount, donation.status) == (1500, "succeeded")
    assert ModelLogEntry.objects.get(action=ERASE).data["rows"] == 1
