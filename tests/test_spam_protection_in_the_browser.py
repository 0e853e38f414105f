"""The default spam protection in Chromium: the widget solves on submit, nothing reaches another host, and without JavaScript each action still works (or says why not)."""

from urllib.parse import urlsplit

import pytest
from django.utils import translation

from donations.models import DonationPage
from home.models import HomePage
from petitions.letters.models import Letter, LetterActionPage, SolidarityMessage
from petitions.models import PetitionPage, Signature, SignatureState
from prisoners.models import PrisonerPage
from sections.models import SectionSettings
from supporters.captcha import NO_SCRIPT_NOTICES
from tests.demo_server import served_demo

pytestmark = pytest.mark.django_db


# Stripe.js is the one other host a donation page may reach, once the visitor starts to pay.
STRIPE_HOSTS = {"js.stripe.com", "api.stripe.com", "m.stripe.network", "hooks.stripe.com"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with served_demo(
        django_db_blocker, links_to_server_port=True, stripe_publishable_key="pk_test_spam_protection"
    ) as server:
        with django_db_blocker.unblock():
            # Signatures count at once on this section, but for the no-script path.
            section = SectionSettings.objects.get(code="fr")
            section.double_opt_in = False
            section.save()
        yield server


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Earlier browser modules post from the same address: each test starts with empty rate-limit buckets."""
    from django.core.cache import cache

    cache.clear()


def url_of(model, code="fr", language="fr"):
    site = SectionSettings.objects.get(code=code).site
    for page in model.objects.live().filter(locale__language_code=language):
        site_id, root, path = page.get_url_parts()
        if site_id == site.pk:
            return root + path
    raise AssertionError(f"no live {model.__name__} on {code}/{language}")


def last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def shown(message):
    with translation.override("fr"):
        return " ".join(str(message).split())


def fill_signature(page, email):
    page.locator("#id_first_name").fill("Léa")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill(email)
    page.locator("#id_country").fill("France")
    if page.locator("#id_postal_code").count():
        page.locator("#id_postal_code").fill("75019")
    page.locator("#id_consent").check()


def test_with_javascript_the_widget_solves_on_submit_and_the_signature_counts_at_once(demo, browser_page):
    before = last_pk(Signature)
    browser_page.goto(url_of(PetitionPage))
    fill_signature(browser_page, "lea.script@example.org")
    browser_page.locator("form.petition-form button[type=submit]").click()
    browser_page.wait_for_url("**/thanks/")
    assert " ".join(browser_page.locator(".petition__next-step").inner_text().split()) == shown(
        translation.gettext_lazy("Your signature has been counted.")
    )
    signature = Signature.objects.get(pk__gt=before)
    assert signature.state == SignatureState.CONFIRMED  # a solved proof of work: no email needed here


@pytest.mark.parametrize(
    "model,code",
    [
        (PetitionPage, "fr"),
        (LetterActionPage, "ch"),
        (DonationPage, "fr"),
        (PrisonerPage, "fr"),
        (HomePage, "fr"),
    ],
    ids=["petition", "letter", "donation", "prisoner", "home"],
)
def test_no_action_page_requests_another_host(demo, browser_page, model, code):
    browser_page.goto(url_of(model, code))
    browser_page.wait_for_load_state("networkidle")
    hosts = browser_page.external_hosts
    if model is DonationPage:
        hosts -= STRIPE_HOSTS
    assert hosts == set()
    if model in (PetitionPage, LetterActionPage):
        assert browser_page.locator("altcha-widget").count() >= 1


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    yield page
    context.close()


def test_without_javascript_a_signature_needs_the_email_confirmation_and_the_page_says_so(
    demo, no_script_page
):
    page = no_script_page
    before = last_pk(Signature)
    page.goto(url_of(PetitionPage))
    assert shown(NO_SCRIPT_NOTICES["sign"]) in " ".join(
        page.locator("form.petition-form").inner_text().split()
    )
    fill_signature(page, "lea.tor@example.org")
    page.locator("form.petition-form button[type=submit]").click()
    page.wait_for_url("**/thanks/**")
    signature = Signature.objects.get(pk__gt=before)
    # The section counts signatures at once, but one sent without the proof of work waits for its email.
    assert signature.state == SignatureState.PENDING
    next_step = " ".join(page.locator(".petition__next-step").inner_text().split())
    assert next_step == shown(
        translation.gettext_lazy(
            "One last step: we have sent you an email. Your signature counts once you follow the link in it."
        )
    )


def test_without_javascript_a_letter_is_prepared(demo, no_script_page):
    page = no_script_page
    before = last_pk(Letter)
    page.goto(url_of(LetterActionPage, "ch"))
    form = page.locator("form", has=page.locator("#id_town"))
    assert shown(NO_SCRIPT_NOTICES["letter"]) in " ".join(form.inner_text().split())
    page.locator("#id_first_name").fill("Anne-Sophie")
    page.locator("#id_last_name").fill("Müller")
    page.locator("#id_town").fill("Neuchâtel")
    page.locator("#id_country").fill("Suisse")
    page.locator("#id_consent").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert Letter.objects.filter(pk__gt=before).count() == 1
    assert page.locator("a[href^='data:application/pdf']").count() == 1


def test_without_javascript_a_message_of_solidarity_is_sent(demo, no_script_page):
    page = no_script_page
    before = last_pk(SolidarityMessage)
    page.goto(url_of(LetterActionPage, "ch"))
    form = page.locator("form.solidarity__form")
    assert shown(NO_SCRIPT_NOTICES["message"]) in " ".join(form.inner_text().split())
    page.locator("#id_message-author_name").fill("Léa")
    page.locator("#id_message-text").fill("Courage, Maryia !")
    page.locator("#id_message-consent").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert SolidarityMessage.objects.filter(pk__gt=before).count() == 1


def test_without_javascript_the_donation_page_says_that_giving_needs_it(demo, no_script_page):
    page = no_script_page
    page.goto(url_of(DonationPage))
    assert shown(NO_SCRIPT_NOTICES["donate"]) in " ".join(
        page.locator("form.donation-form").inner_text().split()
    )
