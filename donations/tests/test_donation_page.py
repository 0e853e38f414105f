"""The donation page as visitors and editors see it: amounts in the section's currency, deduction, keys missing."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale

from donations.models import DonationPage, Frequency
from donations.tests.conftest import donate, t
from supporters.models import Supporter

pytestmark = pytest.mark.django_db

UNAVAILABLE = t("Online donations are unavailable at the moment. Please come back later or contact us.")


def page_html(client, code, path="/fr/faire-un-don/"):
    response = client.get(
        path,
        HTTP_HOST={"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}[code],
    )
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def presets(soup, frequency):
    return [button.get_text() for button in soup.select(f'[data-presets="{frequency}"] [data-amount]')]


def test_the_swiss_page_offers_chf_amounts_with_their_impact(client, stripe_env, donation_pages, settings):
    soup = page_html(client, "ch")

    assert soup.h1.get_text() == "Soutenez notre travail par un don"
    assert presets(soup, "one_off") == ["30\u00a0CHF", "60\u00a0CHF", "120\u00a0CHF"]
    assert presets(soup, "monthly") == ["10\u00a0CHF", "20\u00a0CHF", "40\u00a0CHF"]
    assert "Finance une journée d'enquête sur le terrain." in soup.get_text()
    assert soup.select_one("#id_amount")["value"] == "60"
    assert soup.select_one("#id_frequency_0")["checked"] is not None
    assert soup.select_one("[name=currency]")["value"] == "CHF"
    form = soup.select_one("[data-donation-form]")
    assert form["data-publishable-key"] == "pk_test_ch"
    # Stripe.js is not on the page: donate.js loads it from here once the visitor starts to pay.
    assert form["data-stripe-js"] == settings.STRIPE_JS_URL
    assert settings.STRIPE_JS_URL not in [script.get("src") for script in soup.select("script[src]")]
    # France's deduction does not apply in Switzerland; no postal address asked.
    assert not soup.select("[data-presets] .meta")
    assert soup.select_one("#id_address_line") is None


def test_the_french_page_shows_the_cost_after_the_66_percent_deduction(client, stripe_env, donation_pages):
    soup = page_html(client, "fr")

    assert presets(soup, "one_off") == ["30\u00a0EUR", "50\u00a0EUR", "100\u00a0EUR"]
    costs = [line.get_text() for line in soup.select('[data-presets="one_off"] .meta')]
    after = "%(cost)s after tax deduction"
    assert costs == [
        t(after, cost="10,20\u00a0EUR"),
        t(after, cost="17\u00a0EUR"),
        t(after, cost="34\u00a0EUR"),
    ]
    assert t("%(rate)s%% of your gift is deductible from your income tax.", rate=66) in soup.get_text()
    assert soup.select_one("#id_address_line") is not None
    assert t("Your gift supports: %(designation)s", designation="Marathon des lettres") in soup.get_text()


def test_the_togolese_page_counts_in_whole_francs(client, stripe_env, donation_pages):
    soup = page_html(client, "tg")

    assert presets(soup, "one_off") == ["2\u00a0000\u00a0XOF", "5\u00a0000\u00a0XOF", "10\u00a0000\u00a0XOF"]
    assert soup.select_one("[name=currency]")["value"] == "XOF"
    between = t(
        "Between %(minimum)s and %(maximum)s, in %(currency)s.",
        minimum="500\u00a0XOF",
        maximum="2\u00a0000\u00a0000\u00a0XOF",
        currency="XOF",
    )
    assert between in soup.get_text()


def test_the_german_translation(client, stripe_env, donation_pages):
    soup = page_html(client, "ch", "/de/spenden/")

    assert soup.h1.get_text() == "Unterstützen Sie unsere Arbeit mit einer Spende"
    assert "Finanziert einen Tag Recherche vor Ort." in soup.get_text()
    assert presets(soup, "one_off") == ["30\u00a0CHF", "60\u00a0CHF", "120\u00a0CHF"]


def test_a_prisoner_as_designation(client, stripe_env, donation_pages):
    from prisoners.models import PrisonerRecord

    prisoner = PrisonerRecord.objects.create(
        full_name="Maryia Kalesnikava", country="Biélorussie", locale=Locale.objects.get(language_code="fr")
    )
    page = donation_pages["tg"]
    page.prisoner = prisoner
    page.save_revision().publish()

    supports = t("Your gift supports: %(designation)s", designation="Maryia Kalesnikava")
    assert supports in page_html(client, "tg").get_text()


def test_without_keys_visitors_see_donations_unavailable(client, sections, donation_pages):
    soup = page_html(client, "ch")

    assert UNAVAILABLE in soup.get_text()
    assert soup.select_one("[data-donation-form]") is None
    assert not soup.select("script[src*='stripe']")
    # Visitors are not told about the server's configuration.
    assert "STRIPE_SECRET_KEY" not in soup.get_text()


def test_without_keys_a_post_writes_nothing(client, sections, donation_pages):
    response = donate(client, "ch", json=False, payment_method="pm_card_visa")

    assert response.status_code == 503
    assert not Supporter.objects.exists()


def test_without_keys_editors_are_told_why(client, sections, donation_pages, django_user_model, settings):
    settings.SECTION_SECRETS = {"STRIPE_SECRET_KEY_CH": "sk_test_only"}
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "x"))
    page = donation_pages["ch"]

    soup = page_html(client, "ch")
    reasons = [item.get_text() for item in soup.select("#editor-warning-title + ul li")]
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    assert reasons == [
        t("The section settings have no Stripe publishable key."),
        t(
            "The server has no Stripe webhook signing secret: set the environment variable "
            "STRIPE_WEBHOOK_SECRET_%(code)s.",
            code="CH",
        ),
    ]
    assert UNAVAILABLE in soup.get_text()
    assert (
        t("Visitors see this page as “donations unavailable”: %(reasons)s", reasons="")
        in edit.content.decode()
    )
    assert "STRIPE_WEBHOOK_SECRET_CH" in edit.content.decode()


def test_the_preview_explains_what_is_missing(client, sections, donation_pages, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "x"))
    page = donation_pages["fr"]

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))

    assert response.status_code == 200
    assert "STRIPE_SECRET_KEY_FR" in response.content.decode()


def test_a_section_that_switched_donations_off(client, stripe_env, sections, donation_pages):
    section = sections["tg"].settings
    section.donations_enabled = False
    section.save()

    assert UNAVAILABLE in page_html(client, "tg").get_text()


def test_editors_cannot_save_inconsistent_amounts(sections):
    page = DonationPage(
        title="Don",
        slug="don",
        minimum_amount=50,
        maximum_amount=10,
        default_amount=20,
        offer_one_off=True,
        offer_monthly=False,
        default_frequency=Frequency.MONTHLY,
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert set(error.value.message_dict) >= {"maximum_amount", "default_frequency"}


def test_a_donation_page_lives_under_a_section_home(sections):
    assert DonationPage.parent_page_types == ["home.HomePage"]
    assert DonationPage.can_create_at(sections["ch"].home)
