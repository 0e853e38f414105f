"""Cached sections' languages, texts, menus and signable petitions: an editor's change shows at the next request."""

import pytest
from django.core.cache import cache
from wagtail.models import Site

from petitions.models import PetitionPage, Signature, SignatureState
from petitions.tests.conftest import form_data, host_of, make_petition, page_path, sign_path, t, text_of
from sections import content_cache
from sections.models import SectionSettings
from supporters.models import ActionCount
from supporters.tests.helpers import email_hashes

pytestmark = pytest.mark.django_db


def sign(client, petition, email, **overrides):
    from supporters.tests.helpers import solution

    settings = SectionSettings.for_site(petition.get_site())
    overrides.setdefault("captcha", solution(host_of(petition), client))
    data = form_data(petition, settings, email=email, **overrides)
    return client.post(sign_path(petition), data, HTTP_HOST=host_of(petition))


@pytest.mark.parametrize(
    "change, status",
    [("close", 410), ("unpublish", 404)],
    ids=["closed by an editor", "unpublished by an editor"],
)
def test_an_editors_change_stops_signing_at_once(client, sections, change, status):
    petition = make_petition(sections["fr"].home)
    # A visitor's signing puts the petition in this process's copies.
    assert sign(client, petition, "anna@example.org").status_code == 303
    assert Signature.objects.count() == 1

    if change == "close":
        petition.closed = True
        petition.save_revision().publish()
    else:
        petition.unpublish()

    response = sign(client, petition, "ben@example.org")
    assert response.status_code == status
    if change == "close":
        assert t("This campaign has ended") in text_of(response)
    assert Signature.objects.count() == 1


def test_another_processs_change_shows_at_the_next_request(client, sections):
    petition = make_petition(sections["fr"].home)
    assert sign(client, petition, "anna@example.org").status_code == 303

    # An editor closed the petition in another process: this one sees neither its signals nor its
    # transaction, only the row and the shared generation.
    PetitionPage.objects.filter(pk=petition.pk).update(closed=True)
    cache.set(content_cache.GENERATION_KEY, "another-process")

    response = sign(client, petition, "ben@example.org")
    assert response.status_code == 410
    assert t("This campaign has ended") in text_of(response)
    assert Signature.objects.count() == 1


def test_a_section_setting_saved_by_an_editor_shows_at_the_next_request(client, sections):
    sections["fr"].settings.double_opt_in = True
    sections["fr"].settings.save()
    petition = make_petition(sections["fr"].home)
    thanks = client.get(sign(client, petition, "anna@example.org")["Location"], HTTP_HOST=host_of(petition))
    next_step = t(
        "One last step: we have sent you an email. Your signature counts once you follow the link in it."
    )
    assert next_step in text_of(thanks)

    settings = SectionSettings.for_site(sections["fr"].site)
    settings.double_opt_in = False
    settings.save()

    response = sign(client, petition, "ben@example.org")
    thanks = client.get(response["Location"], HTTP_HOST=host_of(petition))
    assert next_step not in text_of(thanks)
    assert (
        Signature.objects.get(supporter__email_hash__in=email_hashes("ben@example.org")).state
        == SignatureState.CONFIRMED
    )
    assert ActionCount.total_for(petition.translation_key) == 1
    assert 'value="1"' in client.get(page_path(petition), HTTP_HOST=host_of(petition)).content.decode()


def test_a_value_handed_out_can_be_changed_without_changing_the_next(sections):
    builds = []

    def build():
        builds.append(1)
        return Site.objects.select_related("root_page").get(pk=sections["fr"].site.pk)

    site = content_cache.cached(("test-site",), build)
    site.site_name = "Annotated by one request"
    site.root_page.title = "Annotated too"

    again = content_cache.cached(("test-site",), build)
    assert again.site_name == "Plaidoyer France"
    assert again.root_page.title == "Plaidoyer France"
    assert len(builds) == 1  # the cached value, not a new lookup

    languages = content_cache.cached(("test-languages",), lambda: ["fr", "de"])
    languages.append("en")
    assert content_cache.cached(("test-languages",), lambda: ["fr"]) == ["fr", "de"]


def test_a_value_is_built_again_once_an_editor_saves_a_page(sections):
    builds = []
    content_cache.cached(("test-built",), lambda: builds.append(1))
    content_cache.cached(("test-built",), lambda: builds.append(1))
    assert len(builds) == 1
    sections["fr"].home.save_revision().publish()
    content_cache.cached(("test-built",), lambda: builds.append(1))
    assert len(builds) == 2


def test_a_copy_built_before_a_change_committed_is_dropped_when_it_commits(
    sections, django_capture_on_commit_callbacks
):
    settings = SectionSettings.for_site(sections["tg"].site)
    with django_capture_on_commit_callbacks(execute=True):
        settings.name = "Section togolaise"
        settings.save()
        # Meanwhile another process read the rows as they were before the commit.
        assert content_cache.cached(("test-name",), lambda: "Plaidoyer Togo") == "Plaidoyer Togo"
    assert content_cache.cached(("test-name",), lambda: "Section togolaise") == "Section togolaise"


def test_a_new_site_whose_settings_are_not_filled_in_yet_still_answers(client, sections):
    """Its settings are created at the first request; they and their site refer to each other."""
    Site.objects.create(hostname="be.localhost", port=8000, root_page=sections["fr"].home)
    for _ in range(2):
        response = client.get("/fr/", HTTP_HOST="be.localhost:8000")
        assert response.status_code == 200
    assert SectionSettings.objects.filter(site__hostname="be.localhost").exists()


def generation_reads(monkeypatch):
    """Counts the cache reads of the content generation."""
    reads = []
    get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == content_cache.GENERATION_KEY:
            reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    return reads


def test_a_request_reads_the_generation_once_for_all_its_lookups(client, sections, monkeypatch):
    petition = make_petition(sections["fr"].home)
    client.get(page_path(petition), HTTP_HOST=host_of(petition))  # the lookups are cached now
    reads = generation_reads(monkeypatch)

    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))

    assert response.status_code == 200
    assert len(reads) == 1


def test_a_request_that_changes_content_reads_it_afresh(sections, monkeypatch):
    def view(request):
        before = content_cache.cached(("test-title",), lambda: "before")
        content_cache.content_changed()
        after = content_cache.cached(("test-title",), lambda: "after")
        return before, after

    assert content_cache.ContentGenerationMiddleware(view)(None) == ("before", "after")
    # Outside a request the generation is read on every call again.
    reads = generation_reads(monkeypatch)
    content_cache.cached(("test-title",), lambda: "after")
    content_cache.cached(("test-title",), lambda: "after")
    assert len(reads) == 2


def test_a_value_this_process_read_once_is_not_fetched_from_the_shared_cache_again(sections, monkeypatch):
    content_cache.cached(("test-local",), lambda: "built")
    reads = []
    get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *args, **kwargs: reads.append(key) or get(key, *args, **kwargs)
    )

    assert (
        content_cache.ContentGenerationMiddleware(
            lambda request: content_cache.cached(("test-local",), list)
        )(None)
        == "built"
    )
    assert reads == [content_cache.GENERATION_KEY]  # the generation only, once


def test_a_deployment_leaves_the_previous_versions_values_behind(sections):
    """`migrate` runs at each deployment: what the code before it cached is built again by the new code."""
    from django.core.management import call_command

    assert (
        content_cache.cached(("test-deployed",), lambda: "shape of the old code") == "shape of the old code"
    )
    call_command("migrate", verbosity=0)
    assert (
        content_cache.cached(("test-deployed",), lambda: "shape of the new code") == "shape of the new code"
    )


def test_a_request_reads_one_copy_of_a_value_and_the_next_request_a_fresh_one(sections):
    from django.http import HttpResponse
    from django.test import RequestFactory

    builds, copies = [], []

    def build():
        builds.append(1)
        return {"greeting": "Bonjour"}

    def view(request):
        first = content_cache.cached(("test-value",), build)
        if not copies:
            first["seen"] = True  # the first request's own copy
        copies.append((first, content_cache.cached(("test-value",), build)))
        return HttpResponse()

    middleware = content_cache.ContentGenerationMiddleware(view)
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))

    (first, again), (next_request, _) = copies
    assert again is first and again["seen"]
    assert next_request is not first and "seen" not in next_request
    assert len(builds) == 1  # built once, then read from this process's copies
