"""Rate limits on signing, per IP address and per petition: a readable 429 page, nothing written."""

import pytest
from django.test import override_settings

from petitions.models import Signature

from .conftest import make_petition, t, text_of

pytestmark = pytest.mark.django_db


@override_settings(PETITION_RATE_LIMITS={"ip": (3, 600), "petition": (1000, 60)})
def test_too_many_signings_from_one_address_get_a_readable_429(sections, petition, sign):
    for number in range(3):
        assert sign(petition, email=f"person{number}@example.org").status_code == 303
    response = sign(petition, email="person4@example.org")
    assert response.status_code == 429
    assert t("Too many attempts") in text_of(response)
    assert Signature.objects.count() == 3
    # Another address is not affected.
    assert sign(petition, email="person5@example.org", meta={"REMOTE_ADDR": "192.0.2.9"}).status_code == 303


@override_settings(PETITION_RATE_LIMITS={"ip": (1000, 600), "petition": (2, 60)})
def test_a_flood_on_one_petition_is_limited_without_blocking_others(sections, petition, sign):
    for number in range(2):
        sign(petition, email=f"p{number}@example.org", meta={"REMOTE_ADDR": f"192.0.2.{number + 1}"})
    assert sign(petition, email="p3@example.org", meta={"REMOTE_ADDR": "192.0.2.50"}).status_code == 429
    other = make_petition(sections["fr"].home, slug="autre", title="Autre")
    assert sign(other, email="p3@example.org", meta={"REMOTE_ADDR": "192.0.2.50"}).status_code == 303
    assert Signature.objects.count() == 3


@override_settings(PETITION_RATE_LIMITS={"ip": (2, 600), "petition": (1000, 60)})
def test_invalid_attempts_count_too(petition, sign):
    sign(petition, email="broken")
    sign(petition, email="broken")
    assert sign(petition).status_code == 429
    assert Signature.objects.count() == 0


@pytest.fixture
def through_load_balancer():
    """The real WSGI application as the app servers run it, behind a number of load balancers.

    As Django's test client does, requests keep the test's database connection open.
    """
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from werkzeug.test import Client

    from plaidoyer.proxies import behind_trusted_proxies

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield lambda proxy_count: Client(behind_trusted_proxies(get_wsgi_application(), proxy_count))
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def post_signature(browser, petition, number, forwarded_for):
    from sections.models import SectionSettings

    from .conftest import form_data, host_of, page_path, sign_path

    headers = {"Host": host_of(petition), "X-Forwarded-For": forwarded_for}
    page = browser.get(page_path(petition), headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert page.status_code == 200
    data = form_data(petition, SectionSettings.for_site(petition.get_site()), email=f"p{number}@example.org")
    # A real WSGI request: the form is checked as a browser's, by its origin (plaidoyer.csrf).
    response = browser.post(
        sign_path(petition),
        data=data,
        headers={**headers, "Origin": f"http://{host_of(petition)}"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    return response.status_code


@override_settings(PETITION_RATE_LIMITS={"ip": (2, 600), "petition": (1000, 60)})
def test_a_forged_forwarded_for_header_does_not_escape_the_limit_behind_a_load_balancer(
    petition, through_load_balancer
):
    # The load balancer appends the address it saw (203.0.113.5); the visitor forges what comes before.
    browser = through_load_balancer(proxy_count=1)
    statuses = [post_signature(browser, petition, n, f"198.51.100.{n}, 203.0.113.5") for n in range(3)]
    assert statuses == [303, 303, 429]
    assert Signature.objects.count() == 2
    # Another visitor behind the same load balancer still signs.
    assert post_signature(browser, petition, 9, "203.0.113.77") == 303


@override_settings(PETITION_RATE_LIMITS={"ip": (2, 600), "petition": (1000, 60)})
def test_without_a_load_balancer_a_forwarded_for_header_is_ignored(petition, through_load_balancer):
    browser = through_load_balancer(proxy_count=0)
    statuses = [post_signature(browser, petition, n, f"198.51.100.{n}") for n in range(3)]
    assert statuses == [303, 303, 429]
