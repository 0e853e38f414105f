"""One supporter per section and canonical email, whichever way the address is typed."""

import pytest

from supporters.actions import supporter_id
from supporters.encryption import email_hash
from supporters.models import Supporter

pytestmark = pytest.mark.django_db


def find_or_insert(site, email, first_name, last_name):
    return supporter_id(site.pk, email, first_name, last_name)


def test_finding_or_creating_a_supporter_returns_one_supporter_for_every_variant(sections):
    site = sections["fr"].site
    first = find_or_insert(site, "Jane.Doe+news@gmail.com", "Jane", "Doe")
    assert find_or_insert(site, " janedoe@GoogleMail.com ", "J.", "D.") == first
    supporter = Supporter.objects.get(pk=first)
    # The first name given is kept; a later signing does not rename the supporter.
    assert (supporter.first_name, supporter.email_hash) == ("Jane", email_hash(site.pk, "janedoe@gmail.com"))
    assert find_or_insert(sections["ch"].site, "janedoe@gmail.com", "Jane", "Doe") != first
    assert Supporter.objects.count() == 2
