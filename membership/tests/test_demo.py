"""Demo local groups and join pages: each section's groups and a join page in every language it publishes."""

import pytest
from django.core import mail
from wagtail.models import Locale

from home.models import StandardPage
from membership import demo
from membership.models import JoinPage, LocalGroup, Membership
from supporters.models import ActionCount

from .helpers import confirmation_path, join_data, page_path, text_of

pytestmark = pytest.mark.django_db

TOWNS = {
    "ch": {"Lausanne", "Genève", "Zurich", "Berne", "Lugano"},
    "fr": {"Paris", "Lyon"},
    "tg": {"Lomé", "Kara"},
}
HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}


@pytest.fixture
def loaded(sections, donation_pages, django_capture_on_commit_callbacks):
    # An older demo's text-only "join us" page gives way to the join page.
    sections["tg"].home.add_child(instance=StandardPage(title="Nous rejoindre", slug="nous-rejoindre"))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            demo.load(sections)
    return sections


def test_loading_twice_creates_nothing_twice_and_replaces_the_text_page(loaded):
    for code, towns in TOWNS.items():
        site = loaded[code].site
        assert (
            set(
                LocalGroup.objects.filter(site=site, locale__language_code="fr").values_list(
                    "town", flat=True
                )
            )
            == towns
        )
    assert LocalGroup.objects.filter(locale__language_code="de").count() == 5
    assert JoinPage.objects.count() == 5  # ch fr/de/it, fr, tg
    assert not StandardPage.objects.filter(slug="nous-rejoindre").exists()
    assert Membership.objects.count() == 5


def test_each_section_has_a_join_page_in_each_of_its_languages_with_its_groups(client, loaded):
    expected = [
        ("ch", "fr", "Nous rejoindre", "Groupe de Genève"),
        ("ch", "de", "Mitmachen", "Gruppe Genf"),
        ("ch", "it", "Unisciti a noi", "Gruppo di Ginevra"),
        ("fr", "fr", "Nous rejoindre", "Groupe de Lyon"),
        ("tg", "fr", "Nous rejoindre", "Groupe de Kara"),
    ]
    for code, language, title, group in expected:
        page = JoinPage.objects.get(
            locale__language_code=language,
            translation_key__in=JoinPage.objects.filter(
                locale__language_code="fr",
                id__in=JoinPage.objects.descendant_of(loaded[code].home).values("id"),
            ).values("translation_key"),
        )
        response = client.get(page_path(page), HTTP_HOST=HOSTS[code])
        assert response.status_code == 200
        assert title in text_of(response)
        assert group in text_of(response)
        assert f'<html lang="{language}">' in response.content.decode()


def test_the_demo_counts_its_members_and_a_visitor_joins_a_demo_group(client, loaded):
    page = JoinPage.objects.descendant_of(loaded["tg"].home).get()
    assert ActionCount.total_for(page.translation_key) == 2
    kara = LocalGroup.objects.get(site=loaded["tg"].site, town="Kara")
    response = client.post(
        page_path(page), join_data(page, kara, share_with_group="on"), HTTP_HOST=HOSTS["tg"]
    )
    assert response.status_code == 303
    client.post(confirmation_path(mail.outbox[-1]), HTTP_HOST=HOSTS["tg"])
    assert ActionCount.total_for(page.translation_key) == 3
    assert [message.to for message in mail.outbox][-1] == ["kara@tg.localhost"]


def test_the_swiss_demo_asks_its_members_for_a_fee_on_its_donation_page(loaded, donation_pages):
    page = JoinPage.objects.descendant_of(loaded["ch"].home).get(locale__language_code="fr")
    assert page.membership_fee == 50
    assert page.fee_url() == donation_pages["ch"].get_full_url() + "?designation=membership&amount=50"
    german = page.get_translation(Locale.objects.get(language_code="de"))
    assert german.fee_url().startswith(donation_pages["ch"].get_translation(german.locale).get_full_url())
