"""axe-core in Chromium over every public page type, in every section language, before and after a failed submit."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.demo_server import served_demo

# The demo content is committed once for the module (see `demo`); each test reads it.
pytestmark = pytest.mark.django_db

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# Every language each demo section publishes.
SECTION_LANGUAGES = [
    ("ch.localhost", "fr"),
    ("ch.localhost", "de"),
    ("ch.localhost", "it"),
    ("fr.localhost", "fr"),
    ("tg.localhost", "fr"),
]
PAGE_TYPES = [
    "home",
    "standard page",
    "join page",
    "join thanks",
    "news index",
    "news article",
    "press release",
    "prisoner index",
    "prisoner profile",
    "petition",
    "petition thanks",
    "letter action",
    "donation page",
    "donation thanks",
    "invalid confirmation link",
    "your data",
    "404",
]
# Each public form, and a button that submits it empty.
FORMS = {
    "petition": ("petition", "form.petition-form button[type=submit]"),
    "letter": ("letter action", "section.letter-form button[type=submit]"),
    "solidarity message": ("letter action", "form.solidarity__form button[type=submit]"),
    "donation": ("donation page", "form.donation-form button[type=submit]"),
    "join": ("join page", "form.join-form button[type=submit]"),
    "your data": ("your data", "form.rights-form button[type=submit]"),
}

# Togo's demo has no letter-writing action.
ABSENT = {("tg.localhost", "letter action")}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content, built once for this module, committed, and served by a live server."""
    with served_demo(django_db_blocker, stripe_publishable_key="pk_test_accessibility") as server:
        yield server


@pytest.fixture(scope="module")
def tab(browser):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` in the repository (`make test` does it).")
    # axe-core is injected as an inline script, which the pages' Content-Security-Policy refuses (as it
    # should); tests/test_content_security_policy.py opens the same pages under the policy.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-CH", bypass_csp=True)
    # Nothing leaves this machine (Stripe.js, reCAPTCHA): the pages must be accessible without them.
    context.route(
        lambda url: not url.split("/")[2].split(":")[0].endswith("localhost"),
        lambda route: route.abort(),
    )
    page = context.new_page()
    yield page
    context.close()


def page_url(host, language, page_type):
    """The path of one page of this type in the section's language."""
    from wagtail.models import Locale, Site

    from donations.models import DonationPage
    from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
    from membership.models import JoinPage
    from petitions.letters.models import LetterActionPage
    from petitions.models import PetitionPage
    from prisoners.models import PrisonerIndexPage, PrisonerPage

    site = Site.objects.get(hostname=host)
    locale = Locale.objects.get(language_code=language)
    home = site.root_page.get_translation(locale)
    if page_type == "404":
        return f"/{language}/nothing-here/"
    if page_type == "invalid confirmation link":
        return f"/{language}/petitions/confirm/not-a-token/"
    if page_type == "your data":
        return f"/{language}/my-data/"

    def first(model, **filters):
        return (
            model.objects.live()
            .descendant_of(home, inclusive=True)
            .filter(**filters)
            .order_by("path")
            .first()
        )

    pages = {
        "home": lambda: first(HomePage),
        "standard page": lambda: first(StandardPage),
        "join page": lambda: first(JoinPage),
        "join thanks": lambda: first(JoinPage),
        "news index": lambda: first(NewsIndexPage),
        "news article": lambda: first(NewsPage),
        "press release": lambda: first(NewsPage, kind=NewsPage.Kind.PRESS_RELEASE),
        "prisoner index": lambda: first(PrisonerIndexPage),
        "prisoner profile": lambda: first(PrisonerPage),
        "petition": lambda: next(
            page for page in PetitionPage.objects.live().descendant_of(home) if page.is_open
        ),
        "petition thanks": lambda: first(PetitionPage),
        "letter action": lambda: first(LetterActionPage),
        "donation page": lambda: first(DonationPage),
        "donation thanks": lambda: first(DonationPage),
    }
    page = pages[page_type]()
    if page is None:
        return None
    url = page.get_url_parts()[2]
    return url + "thanks/" if page_type.endswith("thanks") else url


def axe_violations(tab):
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def open_page(tab, demo, host, language, page_type):
    path = page_url(host, language, page_type)
    if path is None:
        pytest.fail(f"The demo has no {page_type} in {host} /{language}/: every page type must be tried.")
    response = tab.goto(f"http://{host}:{demo.url.rsplit(':', 1)[1]}{path}")
    assert response.status == {"404": 404, "invalid confirmation link": 400}.get(page_type, 200), path
    return path


@pytest.mark.parametrize(
    ("host", "language", "page_type"),
    [
        (host, language, page_type)
        for host, language in SECTION_LANGUAGES
        for page_type in PAGE_TYPES
        if (host, page_type) not in ABSENT
    ],
)
def test_every_public_page_has_no_accessibility_violation(demo, tab, host, language, page_type):
    open_page(tab, demo, host, language, page_type)
    assert tab.evaluate("document.documentElement.lang") == language
    assert axe_violations(tab) == []


@pytest.mark.parametrize(
    ("host", "language", "form"),
    [
        (host, language, form)
        for host, language in SECTION_LANGUAGES
        for form in FORMS
        if (host, FORMS[form][0]) not in ABSENT
    ],
)
def test_a_failed_submit_shows_accessible_errors_and_takes_focus_to_them(demo, tab, host, language, form):
    page_type, button = FORMS[form]
    open_page(tab, demo, host, language, page_type)
    with tab.expect_navigation():
        tab.locator(button).click()
    assert axe_violations(tab) == []
    # The page says there are errors, in its title and where the focus lands.
    title = tab.title()
    summary = tab.locator(".form-errors")
    assert summary.count() == 1
    assert tab.evaluate("document.activeElement.classList.contains('form-errors')")
    assert title.startswith(ERROR_TITLE[language])


ERROR_TITLE = {"fr": "Erreur", "de": "Fehler", "it": "Errore"}


# What each personal field holds, for the browser's autofill (WCAG 1.3.5).
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "postal_code": "postal-code",
    "town": "address-level2",
    "city": "address-level2",
    "address_line": "street-address",
    "country": "country-name",
    "message-author_name": "given-name",
    "message-town": "address-level2",
    "phone": "tel",
}


@pytest.mark.parametrize("form", FORMS)
def test_every_personal_field_of_a_public_form_can_be_filled_in_by_the_browser(demo, tab, form):
    page_type, button = FORMS[form]
    open_page(tab, demo, "ch.localhost", "fr", page_type)
    fields = (
        tab.locator(button)
        .locator("xpath=ancestor::form")
        .evaluate("form => Array.from(form.elements).filter(e => e.name).map(e => [e.name, e.autocomplete])")
    )
    personal = {name: token for name, token in fields if name in AUTOCOMPLETE}
    assert personal
    assert personal == {name: AUTOCOMPLETE[name] for name in personal}


def test_every_page_has_a_favicon_from_this_site(demo, tab):
    open_page(tab, demo, "ch.localhost", "de", "home")
    href = tab.locator("link[rel=icon]").get_attribute("href")
    response = tab.goto(f"http://ch.localhost:{demo.url.rsplit(':', 1)[1]}{href}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_the_donation_amount_field_announces_its_limits(demo, tab):
    open_page(tab, demo, "ch.localhost", "it", "donation page")
    described = tab.locator("#id_amount").get_attribute("aria-describedby").split()
    assert tab.locator(f"#{described[0]}").inner_text().startswith("Tra ")


# What a visitor types into each field of a form that they fill in correctly.
ANSWERS = {
    "first_name": "Veranika",
    "last_name": "Tsepkala",
    "email": "veranika@example.org",
    "country": "Suisse",
    "postal_code": "3001",
    "town": "Berne",
    "message-author_name": "Veranika",
    "message-town": "Berne",
    "message-text": "Nous pensons à vous.",
}


def fill_in(tab, form, **answers):
    answers = {**ANSWERS, **answers}
    for field in form.locator("input[type=text], input[type=email], textarea").all():
        name = field.get_attribute("name")
        if name in answers and field.is_visible():
            field.fill(answers[name])
    for box in form.locator("input[type=checkbox][required], input[type=checkbox][name$=consent]").all():
        box.check()
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.parametrize(("host", "language"), SECTION_LANGUAGES)
def test_a_signature_confirmation_page_has_no_accessibility_violation(demo, tab, host, language):
    from petitions.models import Signature
    from petitions.signatures import confirmation_token

    open_page(tab, demo, host, language, "petition")
    # A new signer each time: a second signature with the same email is not a new one.
    fill_in(tab, tab.locator("form.petition-form"), email=f"veranika.{host}.{language}@example.org")
    assert tab.url.endswith("/thanks/")
    signature = Signature.objects.order_by("-pk").first()
    port = demo.url.rsplit(":", 1)[1]
    tab.goto(f"http://{host}:{port}/{language}/petitions/confirm/{confirmation_token(signature.pk)}/")
    assert axe_violations(tab) == []
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    assert axe_violations(tab) == []


@pytest.mark.parametrize(("host", "language"), SECTION_LANGUAGES)
def test_joining_and_its_confirmation_page_have_no_accessibility_violation(demo, tab, host, language):
    from membership.joining import CONFIRMATION_LINK
    from membership.models import Membership

    open_page(tab, demo, host, language, "join page")
    form = tab.locator("form.join-form")
    form.locator("input[name=way][value=member]").check()
    if form.locator("select[name=age_bracket]").count():
        form.locator("select[name=age_bracket]").select_option("26")
    fill_in(tab, form, email=f"veranika.join.{host}.{language}@example.org")
    assert tab.url.endswith("/thanks/")
    assert axe_violations(tab) == []
    membership = Membership.objects.order_by("-pk").first()
    port = demo.url.rsplit(":", 1)[1]
    tab.goto(f"http://{host}:{port}/{language}/join/confirm/{CONFIRMATION_LINK.token(membership.pk)}/")
    assert axe_violations(tab) == []
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    assert axe_violations(tab) == []


@pytest.mark.parametrize(
    ("host", "language", "form"),
    [
        (host, language, form)
        for host, language in SECTION_LANGUAGES
        for form in ("section.letter-form form", "form.solidarity__form")
        if host != "tg.localhost"
    ],
)
def test_what_a_letter_writer_sees_after_sending_has_no_accessibility_violation(
    demo, tab, host, language, form
):
    open_page(tab, demo, host, language, "letter action")
    fill_in(tab, tab.locator(form))
    assert tab.locator(".form-errors").count() == 0
    assert axe_violations(tab) == []
