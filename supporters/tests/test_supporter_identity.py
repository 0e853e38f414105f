"""One supporter per section and canonical email, whichever way the address is typed."""

import pytest

from supporters.models import Supporter

pytestmark = pytest.mark.django_db


def test_find_or_insert_returns_one_supporter_for_every_variant(sections):
    site = sections["fr"].site
    first = Supporter.with_email(site, "Jane.Doe+news@gmail.com", "Jane", "Doe").find_or_insert()
    assert Supporter.with_email(site, " janedoe@GoogleMail.com ", "J.", "D.").find_or_insert() == first
    supporter = Supporter.objects.get(pk=first)
    # The first name given is kept; a later signing does not rename the supporter.
    assert (supporter.first_name, supporter.canonical_email) == ("Jane", "janedoe@gmail.com")
    assert (
        Supporter.with_email(sections["ch"].site, "janedoe@gmail.com", "Jane", "Doe").find_or_insert()
        != first
    )
    assert Supporter.objects.count() == 2
