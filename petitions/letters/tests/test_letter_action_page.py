"""The letter-writing page in Wagtail: where it can live, that it renders, previews and routes."""

import pytest
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage, StandardPage
from petitions.letters.models import LetterActionPage

from .helpers import CH, page_url, shown

pytestmark = pytest.mark.django_db


class TestLetterActionPageTree(WagtailPageTestCase):
    def test_only_under_a_section_home(self):
        self.assertCanCreateAt(HomePage, LetterActionPage)
        self.assertCanNotCreateAt(StandardPage, LetterActionPage)
        self.assertAllowedSubpageTypes(LetterActionPage, {})


def test_page_renders_the_letter_guidance_count_and_form(client, action):
    response = client.get(page_url(action), HTTP_HOST=CH)
    assert response.status_code == 200
    content = response.content.decode()
    for expected in [
        "Ministère des Affaires étrangères de la République de Biélorussie",
        "Monsieur le Ministre,",
        "Уважаемый господин Министр!",  # the Russian version, folded away
        'lang="ru"',
        "CHF 2.50",
        '<progress max="500" value="0"',
        'action="' + page_url(action, "letter/") + '"',
        'action="' + page_url(action, "message/") + '"',
        "<altcha-widget",
        shown(
            "Without JavaScript you can still prepare your letter; fewer letters are accepted from one connection."
        ),
    ]:
        assert expected in content, expected
    assert "style=" not in content


def test_routes_answer_get_with_a_redirect_to_the_page(client, action):
    for route in ("letter/", "sent/", "message/"):
        response = client.get(page_url(action, route), HTTP_HOST=CH)
        assert response.status_code == 302
        assert response["Location"].endswith(page_url(action))


def test_preview_renders(client, action, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    response = client.get(f"/admin/pages/{action.pk}/edit/preview/", HTTP_HOST=CH)
    assert response.status_code == 200


def test_editors_can_open_the_add_form(client, sections, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    home = sections["ch"].home
    response = client.get(f"/admin/pages/add/letters/letteractionpage/{home.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "letter_versions-FORMS" in content and 'name="addressee_address"' in content


def test_a_published_letter_version_is_offered_on_the_next_visit(client, action):
    """The letter's versions and the form's language choices are kept with the content, until a publish."""
    from petitions.letters.models import LetterVersion

    html = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert '<option value="ru"' in html and '<option value="de"' not in html
    action.letter_versions.add(
        LetterVersion(
            language="de",
            salutation="Sehr geehrter Herr Minister,",
            body="Bitte lassen Sie Maryia Kalesnikava frei.",
            closing="Hochachtungsvoll",
            addressee="",
        )
    )
    action.save_revision().publish()
    html = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert '<option value="de"' in html
    assert "Bitte lassen Sie Maryia Kalesnikava frei." in html
