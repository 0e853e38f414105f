"""The membership fee: a confirmed member goes on into the section's donation flow with the fee and the
"membership" designation; the fee counts as paid only once Stripe's verified webhook confirms the payment."""

import re

import pytest
from django.core import mail

from donations.models import Donation, DonationStatus
from donations.tests.conftest import card_payment_method, donate, post_event, stripe_events, stripe_get
from membership.models import JoinPage, Membership

from .helpers import confirmation_path, join_data, page_path, t, text_of

pytestmark = pytest.mark.django_db
HOST = "ch.localhost:8000"


@pytest.fixture
def join_page(sections, donation_pages, django_capture_on_commit_callbacks):
    page = JoinPage(
        title="Nous rejoindre", slug="nous-rejoindre", membership_fee=50, fee_page=donation_pages["ch"]
    )
    sections["ch"].home.add_child(instance=page)
    page.save_revision().publish()
    return JoinPage.objects.get(pk=page.pk)


def join_and_confirm(client, page, **overrides):
    response = client.post(page_path(page), join_data(page, **overrides), HTTP_HOST=HOST)
    assert response.status_code == 303
    return client.post(confirmation_path(mail.outbox[-1]), HTTP_HOST=HOST)


def fee_link(response):
    return (
        re.search(
            r'href="(http://ch\.localhost:8000/[^"]+\?designation=membership&amp;amount=50)"',
            response.content.decode(),
        )
        .group(1)
        .replace("&amp;", "&")
    )


def pay(client, localstripe, path, django_capture_on_commit_callbacks, amount="50", email="afi@example.org"):
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(
        client, "ch", path=path, payment_method=token, amount=amount, email=email, designation="membership"
    )
    assert response.status_code == 200, response.content
    donation = Donation.objects.order_by("-pk").first()
    intent = stripe_get(localstripe, f"payment_intents/{donation.stripe_payment_intent_id}")
    return donation, intent


def test_a_confirmed_member_pays_the_fee_and_it_counts_only_once_stripe_confirms(
    client, stripe_env, join_page, localstripe, django_capture_on_commit_callbacks
):
    confirmed = join_and_confirm(client, join_page, way="member")
    assert t("Pay my membership fee") in text_of(confirmed)
    link = fee_link(confirmed)
    # The welcome email carries the same link.
    assert link in mail.outbox[-1].body
    path = link.split(HOST, 1)[1]
    donation_page = client.get(path, HTTP_HOST=HOST)
    html = donation_page.content.decode()
    assert 'name="amount" value="50"' in html
    assert 'name="designation" value="membership"' in html
    assert t("Membership fee") in text_of(donation_page)

    donation, intent = pay(client, localstripe, path.split("?")[0], django_capture_on_commit_callbacks)
    assert (donation.designation, donation.amount, donation.currency) == ("membership", 5000, "CHF")
    membership = Membership.objects.get()
    # The browser's answer pays nothing: only the webhook does.
    assert membership.fee_paid_at is None
    (succeeded,) = stripe_events(localstripe, "payment_intent.succeeded", intent["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, "ch", succeeded).status_code == 200
        assert post_event(client, "ch", succeeded).status_code == 200  # delivered twice
    donation.refresh_from_db()
    membership.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert membership.fee_paid_at is not None
    assert membership.fee_donation == donation
    # Once paid, the confirmation page no longer asks for it.
    again = client.get(confirmation_path(mail.outbox[0]), HTTP_HOST=HOST)
    assert t("Pay my membership fee") not in text_of(again)


def test_less_than_the_fee_or_a_gift_without_the_designation_pays_nothing(
    client, stripe_env, join_page, localstripe, django_capture_on_commit_callbacks
):
    join_and_confirm(client, join_page, way="member")
    path = page_path(join_page.fee_page.specific)
    for overrides in ({"amount": "10"}, {"designation": ""}):
        token = card_payment_method(localstripe, "4242424242424242")
        data = {
            "payment_method": token,
            "email": "afi@example.org",
            "amount": "50",
            "designation": "membership",
        }
        data.update(overrides)
        assert donate(client, "ch", path=path, **data).status_code == 200
        donation = Donation.objects.order_by("-pk").first()
        intent = stripe_get(localstripe, f"payment_intents/{donation.stripe_payment_intent_id}")
        (succeeded,) = stripe_events(localstripe, "payment_intent.succeeded", intent["id"])
        with django_capture_on_commit_callbacks(execute=True):
            assert post_event(client, "ch", succeeded).status_code == 200
    assert Membership.objects.get().fee_paid_at is None


def test_volunteers_are_not_asked_for_the_fee_and_a_forged_designation_is_refused(
    client, stripe_env, join_page, localstripe
):
    confirmed = join_and_confirm(client, join_page, way="activist")
    assert t("Pay my membership fee") not in text_of(confirmed)
    path = page_path(join_page.fee_page.specific)
    response = donate(
        client,
        "ch",
        path=path,
        payment_method=card_payment_method(localstripe, "4242424242424242"),
        designation="anything",
    )
    assert response.status_code == 400
    assert not Donation.objects.exists()
