"""The Content-Security-Policy: strict on every page type and in the admin, Stripe only on the donation page, and
every page still works under it in Chromium, with no violation, in every section language."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import override

from plaidoyer.tests.test_production_settings import PRODUCTION_ENV, manage
from sections.models import SectionSettings
from tests.demo_server import served_demo
from tests.test_accessibility import ABSENT, PAGE_TYPES, SECTION_LANGUAGES, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content, committed for this module and served by a live server (as for the axe-core tests)."""
    with served_demo(django_db_blocker, stripe_publishable_key="pk_test_content_security_policy") as server:
        yield server


PUBLIC_PAGES = [
    (host, language, page_type)
    for host, language in SECTION_LANGUAGES
    for page_type in [*PAGE_TYPES, "signature confirmation"]
    if (host, page_type) not in ABSENT
]
STATUS = {"404": 404, "invalid confirmation link": 400}


def policy_of(response):
    """The enforced policy as {directive: [sources]} (a report-only header would protect nobody)."""
    assert "Content-Security-Policy-Report-Only" not in response
    return {
        part.split()[0]: part.split()[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def assert_strict(policy, frame_ancestors, inline_styles=False, form_action=("'self'",)):
    assert policy["default-src"] == ["'none'"]
    assert "object-src" not in policy  # so default-src 'none': no plugins
    for directive in ("script-src", "style-src"):
        assert policy[directive][0] == "'self'"
        sources = policy[directive]
        if directive == "style-src" and inline_styles:
            sources = [source for source in sources if source != "'unsafe-inline'"]
        for source in sources:
            assert source not in (
                "'unsafe-inline'",
                "'unsafe-eval'",
                "'unsafe-hashes'",
                "*",
                "data:",
                "blob:",
            )
            assert source.startswith(("'", "https://", "http://127.0.0.1:")), source  # no whole scheme
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == list(form_action)
    assert policy["frame-ancestors"] == [frame_ancestors]


def signature_confirmation_path(client, host, language):
    """Signs the section's open petition as a visitor would; the path of the link the email carries."""
    from wagtail.models import Locale, Site

    from petitions.models import PetitionPage, Signature
    from petitions.signatures import confirmation_token
    from sections.models import SectionSettings
    from supporters.models import ConsentRecord

    home = Site.objects.get(hostname=host).root_page.get_translation(
        Locale.objects.get(language_code=language)
    )
    petition = next(page for page in PetitionPage.objects.live().descendant_of(home) if page.is_open)
    with override(language):
        sign = reverse("petitions:sign", args=[petition.pk])
    wording = petition.get_consent_text(SectionSettings.for_site(petition.get_site()))
    data = {
        "first_name": "Veranika",
        "last_name": "Tsepkala",
        "email": f"csp.{host}.{language}@example.org",
        "country": "Suisse",
        "postal_code": "3001",
        "consent": "on",
        "consent_version": ConsentRecord.version_of(wording),
    }
    assert client.post(sign, data, HTTP_HOST=host).status_code == 303
    signature = Signature.objects.order_by("-pk").first()
    return f"/{language}/petitions/confirm/{confirmation_token(signature.pk)}/"


@pytest.mark.parametrize(("host", "language", "page_type"), PUBLIC_PAGES)
def test_every_public_page_type_has_a_strict_policy_with_stripe_only_on_the_donation_page(
    demo, client, host, language, page_type
):
    if page_type == "signature confirmation":
        path = signature_confirmation_path(client, host, language)
    else:
        path = page_url(host, language, page_type)
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == STATUS.get(page_type, 200), path
    policy = policy_of(response)
    # Swiss donors paying by TWINT without script are redirected from the form to Stripe, then TWINT.
    twint = page_type == "donation page" and host.startswith("ch.")
    form_action = ("'self'", "https://pm-redirects.stripe.com") if twint else ("'self'",)
    assert_strict(policy, frame_ancestors="'none'", form_action=form_action)
    assert policy["style-src"] == ["'self'"]
    # And the features no page uses stay off (django-permissions-policy).
    assert {"camera=()", "microphone=()", "geolocation=()"} <= set(response["Permissions-Policy"].split(", "))
    if page_type == "donation page":
        assert policy["script-src"] == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
        assert policy["frame-src"] == [
            "https://js.stripe.com",
            "https://*.js.stripe.com",
            "https://hooks.stripe.com",
        ]
        assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
    else:
        assert "stripe" not in response["Content-Security-Policy"]
        assert policy["script-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert "frame-src" not in policy  # default-src 'none': no frame at all


@pytest.fixture
def superuser(demo):
    return get_user_model().objects.get(username="admin")


def edit_path(app_label, model):
    from django.apps import apps

    page = apps.get_model(app_label, model).objects.order_by("path").first()
    return f"/admin/pages/{page.pk}/edit/"


def translation_edit_path():
    """The German petition of the Swiss section: its editor is wagtail-localize's translation editor."""
    from petitions.models import PetitionPage

    return f"/admin/pages/{PetitionPage.objects.filter(locale__language_code='de').first().pk}/edit/"


def submit_translation_path():
    from petitions.models import PetitionPage

    return f"/admin/localize/submit/page/{PetitionPage.objects.order_by('path').first().pk}/"


def section_settings_path():
    from wagtail.models import Site

    return f"/admin/settings/sections/sectionsettings/{Site.objects.get(hostname='ch.localhost').pk}/"


def prisoner_record_path():
    from prisoners.models import PrisonerRecord

    return (
        f"/admin/snippets/prisoners/prisonerrecord/edit/{PrisonerRecord.objects.order_by('pk').first().pk}/"
    )


ADMIN_PAGES = {
    "sign-in": lambda: "/admin/login/",
    "dashboard": lambda: "/admin/",
    "page explorer": lambda: "/admin/pages/",
    "petition editor": lambda: edit_path("petitions", "PetitionPage"),
    "prisoner profile editor": lambda: edit_path("prisoners", "PrisonerPage"),
    "letter action editor": lambda: edit_path("letters", "LetterActionPage"),
    "donation page editor": lambda: edit_path("donations", "DonationPage"),
    "translation editor": translation_edit_path,
    "translate dialog": submit_translation_path,
    "prisoner record editor": prisoner_record_path,
    "section settings": section_settings_path,
    "images": lambda: "/admin/images/",
    "translation status": lambda: "/admin/translation-status/",
    "data access report": lambda: "/admin/data-access/",
}


@pytest.mark.parametrize("admin_page", ADMIN_PAGES)
def test_the_admin_has_a_strict_script_policy_and_may_be_framed_only_by_itself(
    demo, client, superuser, admin_page
):
    if admin_page != "sign-in":
        client.force_login(superuser)
    response = client.get(ADMIN_PAGES[admin_page](), HTTP_HOST="localhost")
    assert response.status_code == 200
    policy = policy_of(response)
    assert "stripe" not in response["Content-Security-Policy"]
    assert {"camera=()", "microphone=()", "geolocation=()"} <= set(response["Permissions-Policy"].split(", "))
    assert policy["script-src"] == ["'self'"]
    if admin_page == "sign-in":
        # What anyone may open is as strict as the public pages.
        assert_strict(policy, frame_ancestors="'none'")
        assert policy["style-src"] == ["'self'"]
        return
    assert_strict(policy, frame_ancestors="'self'", inline_styles=True)
    # Draftail's <style> elements and Wagtail's style attributes: styles only, never scripts.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-src"] == ["'self'"]  # the live preview
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["connect-src"] == ["'self'"]


@pytest.mark.parametrize("mode", ["v3", "v2"])
def test_a_section_that_chose_recaptcha_lets_google_in_on_its_own_pages_and_writes_no_inline_script(
    demo, client, settings, mode
):
    from plaidoyer.csp import RECAPTCHA_FRAME_HOSTS, RECAPTCHA_SCRIPT_HOSTS

    settings.SECTION_SECRETS = {**settings.SECTION_SECRETS, "RECAPTCHA_PRIVATE_KEY_TG": "test-private-key"}
    section = SectionSettings.objects.get(site__hostname="tg.localhost")
    section.captcha_mode = mode
    section.recaptcha_public_key = "test-site-key"
    section.save()
    for page_type in ("petition", "donation page"):
        response = client.get(page_url("tg.localhost", "fr", page_type), HTTP_HOST="tg.localhost")
        assert response.status_code == 200
        policy = policy_of(response)
        assert_strict(policy, frame_ancestors="'none'")
        assert set(RECAPTCHA_SCRIPT_HOSTS) <= set(policy["script-src"])
        assert set(RECAPTCHA_FRAME_HOSTS) <= set(policy["frame-src"])
        markup = response.content.decode()
        assert 'class="g-recaptcha"' in markup
        # django-recaptcha's inline scripts are static files here (supporters/static/supporters/recaptcha.js).
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", markup) == []
    # The sections that keep the default protection let nobody else in.
    other = client.get(page_url("fr.localhost", "fr", "petition"), HTTP_HOST="fr.localhost")
    assert "google" not in other["Content-Security-Policy"]


def test_a_report_uri_can_be_named(client, sections, settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "report-uri": ["https://reports.example.org/"]}
    }
    response = client.get("/fr/", HTTP_HOST="fr.localhost:8000")
    assert policy_of(response)["report-uri"] == ["https://reports.example.org/"]


def test_a_redirect_carries_no_policy_and_the_page_it_leads_to_does(client, sections):
    # A browser shows no redirect: it applies the policy of the page it lands on.
    response = client.get("/", HTTP_HOST="fr.localhost:8000", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert "Content-Security-Policy" not in response
    landed = client.get(response["Location"], HTTP_HOST="fr.localhost:8000")
    assert policy_of(landed)["script-src"] == ["'self'"]


def test_production_enforces_the_policy():
    code = (
        "from django.conf import settings;"
        "print('plaidoyer.csp.SectionPolicyMiddleware' in settings.MIDDLEWARE,"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'],"
        " hasattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY'))"
    )
    environment = {**PRODUCTION_ENV, "ALTCHA_HMAC_SECRET": "a-production-proof-of-work-key"}
    result = manage("shell", "-c", code, env=environment)
    assert result.stdout.strip().splitlines()[-1] == "True [\"'self'\"] False", result.stderr


# --- In Chromium -------------------------------------------------------------------------------------

# Collects every securitypolicyviolation event of the page (Playwright's init scripts are not subject to it).
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watched:
    """A tab that remembers every CSP violation, from its events and from the console."""

    def __init__(self, context):
        context.add_init_script(LISTEN)
        self.page = context.new_page()
        self.console = []
        self.page.on(
            "console",
            lambda message: (
                self.console.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def violations(self):
        self.page.wait_for_load_state("load")
        events = self.page.evaluate("window.__violations || []")
        found, self.console = [*events, *self.console], []
        return found


@pytest.fixture(scope="module")
def watched(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-CH")
    # Nothing leaves this machine: a request to another host (Stripe.js) fails instead.
    context.route(
        lambda url: not url.split("/")[2].split(":")[0].endswith("localhost"),
        lambda route: route.abort(),
    )
    yield Watched(context)
    context.close()


def assert_no_violation(watched):
    violations = watched.violations()
    assert violations == [], "\n".join(violations)


def port_of(demo):
    return demo.url.rsplit(":", 1)[1]


@pytest.mark.parametrize(
    ("host", "language", "page_type"),
    [
        (host, language, page_type)
        for host, language, page_type in PUBLIC_PAGES
        if page_type != "signature confirmation"
    ],
)
def test_every_public_page_works_in_chromium_without_a_violation(demo, watched, host, language, page_type):
    tab = watched.page
    path = page_url(host, language, page_type)
    response = tab.goto(f"http://{host}:{port_of(demo)}{path}")
    assert response.status == STATUS.get(page_type, 200), path
    assert_no_violation(watched)
    assert tab.evaluate("document.documentElement.lang") == language
    # The stylesheets apply (a blocked one would leave the page unstyled).
    assert tab.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"


@pytest.mark.parametrize(("host", "language"), SECTION_LANGUAGES)
def test_a_petition_is_signed_and_the_language_switched_in_chromium_without_a_violation(
    demo, watched, host, language
):
    tab = watched.page
    tab.goto(f"http://{host}:{port_of(demo)}{page_url(host, language, 'petition')}")
    form = tab.locator("form.petition-form")
    form.locator("[name=first_name]").fill("Veranika")
    form.locator("[name=last_name]").fill("Tsepkala")
    form.locator("[name=email]").fill(f"chromium.{host}.{language}@example.org")
    for field, value in (("country", "Suisse"), ("postal_code", "3001")):
        if form.locator(f"[name={field}]").count():
            form.locator(f"[name={field}]").fill(value)
    form.locator("[name=consent]").check()
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()
    assert tab.url.endswith("/thanks/")
    assert_no_violation(watched)
    # The confirmation link of the email opens a page with one button, which confirms.
    from petitions.models import Signature, SignatureState
    from petitions.signatures import confirmation_token

    signature = Signature.objects.order_by("-pk").first()
    tab.goto(
        f"http://{host}:{port_of(demo)}/{language}/petitions/confirm/{confirmation_token(signature.pk)}/"
    )
    assert_no_violation(watched)
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    assert_no_violation(watched)
    signature.refresh_from_db()
    assert signature.state == SignatureState.CONFIRMED
    switcher = tab.locator(".language-switcher a:not([aria-current])")
    if host == "ch.localhost":
        other = switcher.first
        target = other.get_attribute("hreflang")
        with tab.expect_navigation():
            other.click()
        assert tab.evaluate("document.documentElement.lang") == target
        assert_no_violation(watched)
    else:
        assert switcher.count() == 0


@pytest.mark.parametrize(("host", "language"), SECTION_LANGUAGES)
def test_the_menu_button_opens_the_menu_in_chromium_without_a_violation(demo, watched, host, language):
    tab = watched.page
    tab.goto(f"http://{host}:{port_of(demo)}{page_url(host, language, 'home')}")
    toggle = tab.locator("#main-nav .main-nav__toggle")
    assert toggle.is_visible()  # menu.js ran: on a narrow screen the menu sits behind its button
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert tab.locator("#main-nav.main-nav--open a").first.is_visible()
    tab.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert_no_violation(watched)


def sign_in(tab, demo):
    tab.goto(f"http://localhost:{port_of(demo)}/admin/login/")
    tab.locator("[name=username]").fill("admin")
    tab.locator("[name=password]").fill(settings.DEMO_ADMIN_PASSWORD)
    with tab.expect_navigation():
        tab.locator("button[type=submit]").click()


@pytest.fixture
def admin_tab(demo, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CH")
    watched = Watched(context)
    sign_in(watched.page, demo)
    assert_no_violation(watched)
    yield watched
    context.close()


def open_admin(admin_tab, demo, admin_page):
    tab = admin_tab.page
    response = tab.goto(f"http://localhost:{port_of(demo)}{ADMIN_PAGES[admin_page]()}")
    assert response.status == 200
    tab.wait_for_load_state("networkidle")
    assert_no_violation(admin_tab)
    return tab


@pytest.mark.parametrize("admin_page", [name for name in ADMIN_PAGES if name != "sign-in"])
def test_every_admin_page_type_works_in_chromium_without_a_violation(demo, admin_tab, admin_page):
    tab = open_admin(admin_tab, demo, admin_page)
    assert tab.locator("#wagtail-sidebar, [data-wagtail-sidebar], .sidebar").count() >= 1


def test_the_sign_in_page_works_in_chromium_without_a_violation(demo, browser):
    context = browser.new_context(locale="fr-CH")
    watched = Watched(context)
    watched.page.goto(f"http://localhost:{port_of(demo)}/admin/login/")
    assert_no_violation(watched)
    context.close()


def test_a_date_picker_opens_and_a_timeline_entry_is_added_without_a_violation(demo, admin_tab):
    tab = open_admin(admin_tab, demo, "prisoner record editor")
    total = tab.locator("#id_timeline-TOTAL_FORMS")
    before = int(total.input_value())
    tab.locator("#id_timeline-ADD").click()
    assert int(total.input_value()) == before + 1
    # The new entry's date field has Wagtail's date picker, started without an inline script.
    date = tab.locator(f"#id_timeline-{before}-date")
    date.click()
    tab.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    assert_no_violation(admin_tab)


def test_a_chooser_opens_its_modal_without_a_violation(demo, admin_tab):
    tab = open_admin(admin_tab, demo, "section settings")
    tab.locator("button.chooser__choose-button:visible").first.click()
    tab.locator(".modal-content .listing, .modal-content table").first.wait_for()
    tab.wait_for_load_state("networkidle")
    assert_no_violation(admin_tab)


def test_the_live_preview_shows_the_page_in_the_editor_without_a_violation(demo, admin_tab):
    tab = open_admin(admin_tab, demo, "petition editor")
    tab.locator('[data-side-panel-toggle="preview"]').click()
    frame = tab.frame_locator("iframe[data-w-preview-target='iframe'], .preview-panel iframe").first
    frame.locator("h1").first.wait_for(state="attached")
    tab.wait_for_load_state("networkidle")
    assert_no_violation(admin_tab)
