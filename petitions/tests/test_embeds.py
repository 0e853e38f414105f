"""Partner sites embed a petition: only listed ones, with the same form and count, and staff see what each brought."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from petitions.models import Signature, SignatureState
from sections.partner_sites import normalize_origin, validate_partner_sites
from sections.translation import translate
from supporters.models import ActionCount, ConsentRecord
from supporters.proof_of_work import ERRORS

from .conftest import form_data, frame_ancestors, host_of, make_petition, page_path, t, text_of
from .test_admin_isolation import staff_of

pytestmark = pytest.mark.django_db

PARTNER = "https://solidarite.example.org"


@pytest.fixture
def petition(sections):
    settings = sections["fr"].settings
    settings.partner_sites = f"{PARTNER}/\n\nhttps://autre-partenaire.example.net:8443\n"
    settings.double_opt_in = False
    settings.save()
    return make_petition(sections["fr"].home)


def embed_path(petition, partner=PARTNER, route="embed/"):
    from urllib.parse import urlencode

    return page_path(petition) + route + "?" + urlencode({"partner": partner})


def sign_in_embed(client, petition, partner=PARTNER, **overrides):
    from sections.models import SectionSettings
    from supporters.tests.helpers import solution

    settings = SectionSettings.for_site(petition.get_site())
    overrides.setdefault("captcha", solution(host_of(petition), client))
    data = form_data(petition, settings, **overrides)
    return client.post(embed_path(petition, partner), data, HTTP_HOST=host_of(petition))


def test_a_listed_partner_may_frame_the_petition_and_nobody_else(client, petition):
    response = client.get(embed_path(petition), HTTP_HOST=host_of(petition))
    assert response.status_code == 200
    assert frame_ancestors(response) == [PARTNER]
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert f'data-partner="{PARTNER}"' in html
    # The form posts to the frame itself, so that the signature knows its partner.
    assert 'action="/fr/dissidents/embed/?partner=https%3A%2F%2Fsolidarite.example.org"' in html
    assert "Libérez Maryia Kalesnikava" in text_of(response)
    # The petition's own page stays unframable.
    own = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert frame_ancestors(own) == ["'none'"]
    assert own["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize(
    "partner, message",
    [
        (
            "https://ailleurs.example.com",
            "%(site)s is not among the sites allowed to show this section's actions.",
        ),
        ("http://solidarite.example.org", "The address of the partner site in this embed is not valid."),
        ("javascript:alert(1)", "The address of the partner site in this embed is not valid."),
        (
            "https://solidarite.example.org/page?x=1",
            "The address of the partner site in this embed is not valid.",
        ),
        ("", "The address of the partner site in this embed is not valid."),
    ],
)
def test_an_unlisted_or_malformed_partner_gets_a_readable_refusal(client, petition, partner, message):
    response = client.get(embed_path(petition, partner), HTTP_HOST=host_of(petition))
    assert response.status_code == 400
    assert frame_ancestors(response) == ["'none'"]
    text = text_of(response)
    assert t("This action cannot be shown here") in text
    assert t(message) % {"site": normalize_origin(partner)} in text
    # Nothing is signed through a refused embed either.
    assert sign_in_embed(client, petition, partner).status_code == 400
    assert not Signature.objects.exists()


def test_signing_in_the_frame_records_the_partner_and_counts_in_the_same_total(client, petition):
    response = sign_in_embed(client, petition)
    assert response.status_code == 303
    assert response["Location"] == "/fr/dissidents/embed/thanks/?partner=https%3A%2F%2Fsolidarite.example.org"
    thanks = client.get(response["Location"], HTTP_HOST=host_of(petition))
    assert thanks.status_code == 200
    assert frame_ancestors(thanks) == [PARTNER]
    assert t("Your signature has been counted.") in text_of(thanks)
    signature = Signature.objects.get()
    assert (signature.partner, signature.state) == (PARTNER, SignatureState.CONFIRMED)
    assert ActionCount.total_for(petition.translation_key) == 1
    assert ConsentRecord.objects.filter(site=signature.site).exists()
    # The petition's own page shows the signature in its count.
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert '<progress class="petition-count__bar" max="1000" value="1"' in page.content.decode()


def test_a_bad_form_in_the_frame_is_answered_in_the_frame_with_the_input_kept(client, petition):
    response = sign_in_embed(client, petition, email="pas-une-adresse", first_name="Noémie")
    assert response.status_code == 200
    assert frame_ancestors(response) == [PARTNER]
    assert t("Please enter a valid email address, like name@example.org.") in text_of(response)
    assert 'value="Noémie"' in response.content.decode()
    assert not Signature.objects.exists()


def test_a_german_frame_signs_with_the_double_opt_in_and_spam_check_of_the_page_and_counts_once_confirmed(
    client, sections, django_capture_on_commit_callbacks
):
    """A Swiss partner chose the German version; the section confirms signatures by email."""
    settings = sections["ch"].settings
    settings.partner_sites = PARTNER
    settings.save()
    assert settings.double_opt_in
    french = make_petition(sections["ch"].home, slug="kalesnikava", title="Libérez Maryia Kalesnikava")
    with django_capture_on_commit_callbacks(execute=True):
        german = translate(french, "de", {"Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava"})
    host = host_of(german)
    frame = client.get(embed_path(german), HTTP_HOST=host)
    assert frame.status_code == 200
    assert '<html lang="de"' in frame.content.decode()
    assert "Freiheit für Maryia Kalesnikava" in text_of(frame)

    # The spam check of the page holds in the frame: refused in German, next to the form, input kept.
    refused = sign_in_embed(client, german, captcha="not a solution", first_name="Lena")
    assert refused.status_code == 200
    assert t(ERRORS["forged"], "de") in text_of(refused)
    assert 'value="Lena"' in refused.content.decode()
    assert frame_ancestors(refused) == [PARTNER]
    assert not Signature.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        signed = sign_in_embed(client, german, first_name="Lena")
    assert signed.status_code == 303
    thanks = client.get(signed["Location"], HTTP_HOST=host)
    assert frame_ancestors(thanks) == [PARTNER]
    assert t(
        "One last step: we have sent you an email. Your signature counts once you follow the link in it.",
        "de",
    ) in text_of(thanks)
    signature = Signature.objects.get()
    assert (signature.partner, signature.state, signature.language) == (PARTNER, SignatureState.PENDING, "de")
    assert ActionCount.total_for(german.translation_key) == 0

    (message,) = mail.outbox
    assert "Freiheit für Maryia Kalesnikava" in message.subject
    link = re.search(r"https?://[^/\s]+(/de/petitions/confirm/\S+/)", message.body).group(1)
    for _click in range(2):
        assert client.post(link, HTTP_HOST=host).status_code == 200
    signature.refresh_from_db()
    assert signature.state == SignatureState.CONFIRMED
    # One total for the petition in every language, on its own page and through any partner.
    assert ActionCount.total_for(french.translation_key) == 1


@override_settings(PETITION_RATE_LIMITS={"ip": (3, 600), "petition": (1000, 60)})
def test_the_frame_and_the_page_share_one_rate_limit_and_the_refusal_is_readable_in_the_frame(
    client, petition, sign
):
    assert sign(petition, email="page1@example.org").status_code == 303
    assert sign_in_embed(client, petition, email="frame1@example.org").status_code == 303
    assert sign_in_embed(client, petition, email="frame2@example.org").status_code == 303
    refused = sign_in_embed(client, petition, email="frame3@example.org")
    assert refused.status_code == 429
    assert t("Too many attempts") in text_of(refused)
    # Shown inside the partner's page, where the visitor is.
    assert frame_ancestors(refused) == [PARTNER]
    assert Signature.objects.count() == 3
    assert sign(petition, email="page2@example.org").status_code == 429


def test_the_frame_posts_without_cookies_but_only_from_our_own_origin(petition):
    """Inside the frame the document is ours: the browser sends our Origin, and no cookie is needed."""
    client = Client(enforce_csrf_checks=True)
    from_partner = sign_in_embed_with_origin(client, petition, PARTNER)
    assert from_partner.status_code == 403
    assert not Signature.objects.exists()
    from_frame = sign_in_embed_with_origin(client, petition, "http://fr.localhost:8000")
    assert from_frame.status_code == 303
    assert client.cookies == {} or not any(c.value for c in client.cookies.values())
    assert Signature.objects.get().partner == PARTNER


def sign_in_embed_with_origin(client, petition, origin):
    from sections.models import SectionSettings
    from supporters.tests.helpers import solution

    settings = SectionSettings.for_site(petition.get_site())
    data = form_data(petition, settings, captcha=solution(host_of(petition), client))
    return client.post(embed_path(petition), data, HTTP_HOST=host_of(petition), HTTP_ORIGIN=origin)


def test_the_partner_list_takes_only_site_addresses():
    validate_partner_sites("https://partner.example.org\n  https://Other.Example.org:8443/ \n")
    for bad in ("partner.example.org", "https://partner.example.org/actions", "ftp://partner.example.org"):
        with pytest.raises(ValidationError) as error:
            validate_partner_sites(f"https://ok.example.org\n{bad}")
        assert bad in error.value.messages[0]
    assert normalize_origin("https://Other.Example.org:8443/") == "https://other.example.org:8443"
    # Plain HTTP only on this machine, and only where the settings allow it (development, tests).
    assert normalize_origin("http://127.0.0.1:8841") == "http://127.0.0.1:8841"
    assert normalize_origin("http://partner.example.org") is None
    with override_settings(EMBED_ALLOW_LOOPBACK_HTTP=False):
        assert normalize_origin("http://localhost:8841") is None


def test_the_section_settings_form_says_which_line_is_not_a_site_address(admin_client, sections):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", password="pw")
    admin_client.force_login(admin)
    site = sections["fr"].site
    url = f"/admin/settings/sections/sectionsettings/{site.pk}/"
    form = admin_client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data = {key: (value.pk if hasattr(value, "pk") else value) for key, value in data.items()}
    data["partner_sites"] = "https://partenaire.example.org\nwww.exemple.fr/petition"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    message = t(
        "“%(line)s” is not a site address we can allow: write one address a line, like "
        "https://partner.example.org (https, the site's host, no path)."
    ) % {"line": "www.exemple.fr/petition"}
    assert response.context["form"].errors == {"partner_sites": [message]}
    assert message in text_of(response)
    sections["fr"].settings.refresh_from_db()
    assert sections["fr"].settings.partner_sites == ""


def test_staff_copy_the_snippet_and_see_what_each_partner_brought(client, petition, sections):
    sign_in_embed(client, petition)
    sign_in_embed(client, petition, email="bert@example.org")
    staff = staff_of(sections["fr"].site, "fr-staff")
    client.force_login(staff)
    partners_url = f"/admin/petition-counts/{petition.pk}/partners/"
    assert partners_url in client.get("/admin/petition-counts/").content.decode()
    response = client.get(partners_url)
    assert response.status_code == 200
    html = response.content.decode()
    rows = [row for row in response.context["partners"]]
    assert [(row["origin"], row["counted"]) for row in rows] == [
        (PARTNER, 2),
        ("https://autre-partenaire.example.net:8443", 0),
    ]
    assert (
        "&lt;iframe src=&quot;http://fr.localhost:8000/fr/dissidents/embed/"
        "?partner=https%3A%2F%2Fsolidarite.example.org&quot;"
    ) in html
    assert "http://fr.localhost:8000/static/petitions/embed.js" in html
    assert "anna@example.org" not in html
    assert "bert@example.org" not in html
    # Another section's staff do not reach it.
    client.force_login(staff_of(sections["ch"].site, "ch-staff"))
    assert client.get(f"/admin/petition-counts/{petition.pk}/partners/").status_code == 404


def test_a_second_petition_of_another_section_cannot_be_embedded_by_this_sections_partner(
    client, petition, sections
):
    other = make_petition(sections["ch"].home, slug="kalesnikava", title="Libérez Maryia Kalesnikava")
    response = client.get(embed_path(other), HTTP_HOST=host_of(other))
    assert response.status_code == 400
    assert frame_ancestors(response) == ["'none'"]
