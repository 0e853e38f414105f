"""Erasing a donor's personal data keeps the donation and its payments (the accounts), not who gave."""

import pytest

from donations.models import Donation
from supporters.erasure import erase_supporter
from supporters.models import Supporter

pytestmark = pytest.mark.django_db


def test_erasure_blanks_the_donor_and_keeps_the_gift(sections):
    site = sections["fr"].site
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

    erase_supporter(supporter)

    donation.refresh_from_db()
    assert (donation.first_name, donation.last_name, donation.email, donation.ip_hash) == ("", "", "", "")
    assert (donation.address_line, donation.postal_code, donation.city, donation.country) == ("", "", "", "")
    assert (donation.amount, donation.currency, donation.status) == (1500, "EUR", "succeeded")
