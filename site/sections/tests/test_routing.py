"""Routing per host and per language: a section answers only in the languages it publishes."""

import pytest

pytestmark = pytest.mark.django_db


def get(client, host, path, **headers):
    return client.get(path, HTTP_HOST=host, **headers)


@pytest.mark.parametrize(
    ("host", "language", "title"),
    [
        ("ch.localhost:8000", "fr", "Plaidoyer Suisse"),
        ("ch.localhost:8000", "de", "Plaidoyer Schweiz"),
        ("ch.localhost:8000", "it", "Plaidoyer Svizzera"),
        ("fr.localhost:8000", "fr", "Plaidoyer France"),
        ("tg.localhost:8000", "fr", "Plaidoyer Togo"),
    ],
)
def test_each_section_serves_its_languages(client, sections, host, language, title):
    response = get(client, host, f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f'<h1 class="page-title">{title}</h1>' in html


@pytest.mark.parametrize(
    ("host", "language"),
    [
        ("fr.localhost:8000", "de"),
        ("tg.localhost:8000", "it"),
        ("ch.localhost:8000", "en"),
        ("fr.localhost", "en"),
    ],
)
def test_a_language_the_section_does_not_publish_is_404(client, sections, host, language):
    response = get(client, host, f"/{language}/")
    assert response.status_code == 404
    assert "Plaidoyer Schweiz" not in response.content.decode()


def test_bare_root_redirects_to_a_published_language(client, sections):
    # A German-speaking visitor of the French section lands on French, never on /de/.
    response = get(client, "fr.localhost:8000", "/", HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    response = get(client, "ch.localhost:8000", "/", HTTP_ACCEPT_LANGUAGE="it-CH,it;q=0.9,fr;q=0.5")
    assert response["Location"] == "/it/"


def test_language_switcher_and_hreflang_list_exactly_the_section_languages(client, sections):
    html = get(client, "ch.localhost:8000", "/de/").content.decode()
    for code in ("fr", "de", "it"):
        assert f'hreflang="{code}" href="http://ch.localhost:8000/{code}/"' in html
    assert 'hreflang="en"' not in html
    assert 'href="/de/" hreflang="de" lang="de" aria-current="true"' in html
    html = get(client, "fr.localhost:8000", "/fr/").content.decode()
    assert 'class="language-switcher"' not in html  # one language: no switcher
    assert 'hreflang="de"' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/fr",
        "/fr/does-not-exist/",
        "/fr/%ff/",
        "/xx/",
        "/fr/../../etc/passwd",
        "/fr//",
        "/de-ch/",
        "/fr/?q=%00",
    ],
)
def test_odd_paths_never_raise(client, sections, path):
    response = get(client, "fr.localhost:8000", path)
    assert response.status_code in {200, 301, 302, 404}


def test_unknown_host_gets_the_default_section(client, sections):
    response = get(client, "elsewhere.example", "/fr/")
    assert response.status_code == 200
    assert "Plaidoyer Suisse" in response.content.decode()


def test_admin_is_outside_the_language_prefix(client, sections):
    response = get(client, "localhost:8000", "/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_404_stays_in_the_admin(client, sections, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@localhost", "pw"))
    response = get(client, "localhost:8000", "/admin/no-such-view/")
    assert response.status_code == 404
