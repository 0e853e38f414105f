"""Each section's header and footer menus, per language, as the section's own editors set them."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.models import HomePage, StandardPage
from sections.translation import translate

pytestmark = pytest.mark.django_db

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000"}


def add_page(home, title, slug, show_in_menus=True):
    page = StandardPage(title=title, slug=slug, locale=home.locale, show_in_menus=show_in_menus)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate_now(capture, instance, language, strings):
    with capture(execute=True):
        return translate(instance, language, strings)


def links(client, code, path, menu):
    """[(text, href)] of the "main" or "footer" menu of a public page, as a visitor gets it."""
    response = client.get(path, HTTP_HOST=HOSTS[code])
    assert response.status_code == 200
    nav = BeautifulSoup(response.content, "html.parser").find("nav", class_=f"{menu}-nav")
    return [(a.get_text(strip=True), a["href"]) for a in nav.find_all("a")] if nav else []


@pytest.fixture
def menus(sections, django_capture_on_commit_callbacks):
    """ch: "Nous rejoindre" (de "Mitmachen") in the main menu, a privacy page out of it, and a footer
    menu with a link of its own wording; fr: "Adhérer" in its main menu, "Presse" in its footer."""
    capture = django_capture_on_commit_callbacks
    ch, fr = sections["ch"], sections["fr"]
    join = add_page(ch.home, "Nous rejoindre", "nous-rejoindre")
    privacy = add_page(ch.home, "Confidentialité", "confidentialite", show_in_menus=False)
    home = HomePage.objects.get(pk=ch.home.pk)
    home.footer_links = [
        ("link", {"page": join, "url": "", "text": ""}),
        ("link", {"page": privacy, "url": "", "text": "Vos données"}),
    ]
    home.save_revision().publish()
    translate_now(capture, join, "de", {"Nous rejoindre": "Mitmachen", "nous-rejoindre": "mitmachen"})
    translate_now(
        capture, privacy, "de", {"Confidentialité": "Datenschutz", "confidentialite": "datenschutz"}
    )
    translate_now(capture, home, "de", {"Vos données": "Ihre Daten"})
    fr_join = add_page(fr.home, "Adhérer", "adherer")
    fr_home = HomePage.objects.get(pk=fr.home.pk)
    fr_home.footer_links = [("link", {"page": fr_join, "url": "", "text": "Presse"})]
    fr_home.save_revision().publish()
    return {"join": join, "privacy": privacy}


def test_the_german_swiss_pages_show_the_german_menus_linking_to_german_pages(client, menus):
    assert links(client, "ch", "/de/", "main") == [("Mitmachen", "/de/mitmachen/")]
    assert links(client, "ch", "/de/", "footer") == [
        ("Mitmachen", "/de/mitmachen/"),
        ("Ihre Daten", "/de/datenschutz/"),
    ]
    # On every page of the language, not only the home page.
    assert links(client, "ch", "/de/datenschutz/", "main") == [("Mitmachen", "/de/mitmachen/")]


def test_the_french_swiss_pages_show_the_french_menus(client, menus):
    assert links(client, "ch", "/fr/", "main") == [("Nous rejoindre", "/fr/nous-rejoindre/")]
    assert links(client, "ch", "/fr/confidentialite/", "footer") == [
        ("Nous rejoindre", "/fr/nous-rejoindre/"),
        ("Vos données", "/fr/confidentialite/"),
    ]
    # Italian has no translation of these pages yet: its menus are empty rather than French.
    assert links(client, "ch", "/it/", "main") == []
    assert links(client, "ch", "/it/", "footer") == []


def test_each_section_has_its_own_menus(client, menus):
    assert links(client, "fr", "/fr/", "main") == [("Adhérer", "/fr/adherer/")]
    assert links(client, "fr", "/fr/", "footer") == [("Presse", "/fr/adherer/")]


def test_the_current_pages_menu_item_is_marked(client, menus):
    response = client.get("/fr/nous-rejoindre/", HTTP_HOST=HOSTS["ch"])
    nav = BeautifulSoup(response.content, "html.parser").find("nav", class_="main-nav")
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "Nous rejoindre"


def test_a_page_published_into_the_menu_shows_at_once(client, menus):
    assert links(client, "ch", "/fr/", "main") == [("Nous rejoindre", "/fr/nous-rejoindre/")]
    add_page(menus["join"].get_parent(), "Agenda", "agenda")
    assert links(client, "ch", "/fr/", "main") == [
        ("Nous rejoindre", "/fr/nous-rejoindre/"),
        ("Agenda", "/fr/agenda/"),
    ]
    privacy = menus["privacy"]
    privacy.unpublish()
    assert ("Vos données", "/fr/confidentialite/") not in links(client, "ch", "/fr/", "footer")


def test_the_menu_toggle_is_a_button_that_says_whether_it_is_open(client, menus):
    html = client.get("/fr/", HTTP_HOST=HOSTS["ch"]).content.decode()
    nav = BeautifulSoup(html, "html.parser").find("nav", class_="main-nav")
    button = nav.find("button")
    assert button["aria-expanded"] == "false"
    assert button["aria-controls"] == nav.find("ul")["id"]
    # No inline script or style (the pages' Content-Security-Policy allows neither).
    soup = BeautifulSoup(html, "html.parser")
    assert all(script.get("src") for script in soup.find_all("script"))
    assert soup.find(attrs={"style": True}) is None


def test_a_footer_link_needs_a_page_or_an_address_with_a_text(sections):
    from django.core.exceptions import ValidationError

    from home.blocks import MenuLinkBlock

    block = MenuLinkBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"page": None, "url": "", "text": "Agenda"}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"page": None, "url": "https://example.org/", "text": ""}))
    value = block.clean(block.to_python({"page": None, "url": "https://example.org/", "text": "Agenda"}))
    assert value["text"] == "Agenda"


def editor_form(home, footer_links, action):
    return nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "intro": home.intro,
            "body": streamfield([]),
            "footer_links": streamfield(
                [("link", {"page": page.pk, "url": "", "text": text}) for page, text in footer_links]
            ),
            action: action.removeprefix("action-"),
        }
    )


def test_an_editor_changes_their_sections_menu_and_never_another_sections(client, sections, menus):
    users = {}
    for role in ("ch-editor", "ch-moderator"):
        users[role] = get_user_model().objects.create_user(role, password="pw")
        users[role].groups.set([sections["ch"].groups[role.split("-")[1]]])
    ch_home = HomePage.objects.get(pk=sections["ch"].home.pk)
    fr_home = HomePage.objects.get(pk=sections["fr"].home.pk)
    fr_before = (links(client, "fr", "/fr/", "main"), links(client, "fr", "/fr/", "footer"))

    client.force_login(users["ch-editor"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[ch_home.pk])).status_code == 200
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[ch_home.pk]),
        editor_form(ch_home, [(menus["join"], "Devenir membre")], "action-submit"),
    )
    assert response.status_code == 302
    # The other section's home page, where its footer menu lives: out of reach, unchanged.
    fr_edit = reverse("wagtailadmin_pages:edit", args=[fr_home.pk])
    assert client.get(fr_edit).status_code == 404
    assert client.post(fr_edit, editor_form(fr_home, [], "action-submit")).status_code == 404
    # Nor can they put the other section's pages into its main menu.
    fr_join = StandardPage.objects.get(slug="adherer")
    assert client.get(reverse("wagtailadmin_pages:edit", args=[fr_join.pk])).status_code == 404
    assert client.get(reverse("wagtailadmin_explore", args=[fr_home.pk])).status_code == 404

    # The section's moderator approves the change, which publishes it.
    client.force_login(users["ch-moderator"])
    task_state = HomePage.objects.get(pk=ch_home.pk).current_workflow_state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[ch_home.pk, "approve", task_state.pk]),
        {"comment": ""},
    )
    assert response.status_code == 302
    client.logout()
    assert links(client, "ch", "/fr/", "footer") == [("Devenir membre", "/fr/nous-rejoindre/")]
    assert (links(client, "fr", "/fr/", "main"), links(client, "fr", "/fr/", "footer")) == fr_before
